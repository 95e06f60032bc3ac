#!/usr/bin/env -S npx tsx
/**
 * `npm start`: the whole system on this machine (see lib/local/stack.ts).
 *
 *   npm start                          in memory; API on PORT (default 3000), live channel on EVENTS_PORT (default: a free port)
 *   npm start -- --data-dir .local-data  keep tables, users and stream checkpoints between runs
 *   npm start -- --no-seed --quiet
 *   npm start -- --outputs-file FILE     where to write the outputs (default cdk-outputs.local.json)
 *   npm start -- --verbose               request and function logs on the terminal (else in trivia-local.log, path printed)
 *   npm start -- --log-file FILE         where the request and function logs go (default trivia-local.log)
 *
 * Writes cdk-outputs.local.json as `cdk deploy --outputs-file` would, so the same clients and tests run against it.
 */
import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD, DEMO_PLAYER_COUNT, demoPlayerEmail } from '../client/demoUsers.ts';
import { LocalStackError } from '../lib/local/errors.ts';
import { createLog } from '../lib/local/log.ts';
import { STACK_NAME } from '../lib/local/names.ts';
import { REPO_ROOT } from '../lib/repoRoot.ts';
import { startLocalStack, type LocalStack } from '../lib/local/stack.ts';
import { ensureWebBuild } from '../lib/webBuild.ts';

/*
 * The AWS SDK v3 warns, in ten lines, that its releases after January 2027 need Node 22. The functions run on Node 22 in
 * AWS; this machine may run Node 20 (package.json `engines`), where the SDK versions of package-lock.json work. The
 * warning says nothing an operator of the local stack can act on, so it is off here (and in the functions' environment,
 * lib/local/env.ts). Likewise the maintenance notice of the v2 SDK that cognito-local uses.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= '1';

interface Args {
  dataDir?: string;
  outputsFile: string;
  seed: boolean;
  quiet: boolean;
  /** Request and function logs on the terminal instead of in `logFile`. */
  verbose: boolean;
  logFile: string;
  port: number;
  eventsPort: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    seed: true,
    quiet: false,
    verbose: false,
    port: 3000,
    eventsPort: 0,
    outputsFile: join(REPO_ROOT, 'cdk-outputs.local.json'),
    logFile: join(REPO_ROOT, 'trivia-local.log'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--data-dir') args.dataDir = argv[++i];
    else if (a.startsWith('--data-dir=')) args.dataDir = a.slice('--data-dir='.length);
    else if (a === '--outputs-file') args.outputsFile = resolve(argv[++i] ?? '');
    else if (a.startsWith('--outputs-file=')) args.outputsFile = resolve(a.slice('--outputs-file='.length));
    else if (a === '--no-seed') args.seed = false;
    else if (a === '--quiet') args.quiet = true;
    else if (a === '--verbose') args.verbose = true;
    else if (a === '--log-file') args.logFile = resolve(argv[++i] ?? '');
    else if (a.startsWith('--log-file=')) args.logFile = resolve(a.slice('--log-file='.length));
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm start [-- --data-dir DIR] [--outputs-file FILE] [--no-seed] [--quiet] [--verbose | --log-file FILE]   (PORT=3000 by default; EVENTS_PORT: the live channel, a free port by default)');
      process.exit(0);
    } else throw new LocalStackError('startup_failed', `unknown argument ${a} (try --help)`);
  }
  if (args.dataDir === '') throw new LocalStackError('startup_failed', '--data-dir needs a directory');
  const port = process.env.PORT === undefined || process.env.PORT === '' ? 3000 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LocalStackError('startup_failed', `PORT must be a port number, not "${process.env.PORT}"`);
  args.port = port;
  const eventsPort = process.env.EVENTS_PORT === undefined || process.env.EVENTS_PORT === '' ? 0 : Number(process.env.EVENTS_PORT);
  if (!Number.isInteger(eventsPort) || eventsPort < 0 || eventsPort > 65535) {
    throw new LocalStackError('startup_failed', `EVENTS_PORT must be a port number, not "${process.env.EVENTS_PORT}"`);
  }
  args.eventsPort = eventsPort;
  return args;
}

const fail = (err: unknown): never => {
  const message = err instanceof LocalStackError ? err.message : `the local stack failed: ${(err as Error)?.message ?? String(err)}`;
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
};

let stack: LocalStack | undefined;
let shuttingDown = false;

async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  const force = setTimeout(() => process.exit(code), 10_000);
  force.unref();
  try {
    await stack?.stop();
  } finally {
    process.exit(code);
  }
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('uncaughtException', (err) => {
  process.stderr.write(`${JSON.stringify({ level: 'ERROR', service: 'trivia-local', message: 'uncaught exception', error: { name: err.name, message: err.message } })}\n`);
  void shutdown(1);
});
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`${JSON.stringify({ level: 'ERROR', service: 'trivia-local', message: 'unhandled rejection', error: String(reason) })}\n`);
});

async function main() {
  const args = parseArgs(process.argv.slice(2));
  // Request lines and the functions' INFO logs would bury the banner: they go to a file unless --verbose.
  const logFile: WriteStream | undefined = args.verbose ? undefined : createWriteStream(args.logFile, { flags: 'w' });
  const log = createLog({ level: args.quiet ? 'WARN' : 'INFO', ...(logFile ? { infoTo: logFile } : {}) });
  const web = await ensureWebBuild();
  if (web.built) log.info('built the web apps', { playerJsGzipKb: Number((web.playerJsGzipBytes / 1024).toFixed(1)) });
  stack = await startLocalStack({
    port: args.port,
    eventsPort: args.eventsPort,
    dataDir: args.dataDir,
    quiet: args.quiet,
    seedDemo: args.seed,
    log,
    ...(logFile ? { functionOutput: logFile } : {}),
  });
  if (shuttingDown) return;

  const outputsFile = args.outputsFile;
  writeFileSync(outputsFile, `${JSON.stringify({ [STACK_NAME]: stack.outputs }, null, 2)}\n`);

  const lines = [
    '',
    `  Trivia Live (local) is up: ${stack.apiUrl}/api/v1/health`,
    '',
    `  Player app   ${stack.outputs.AppUrl}      host console ${stack.outputs.AppUrl}console/`,
    `  API          ${stack.outputs.ApiUrl}`,
    `  Cognito      ${stack.outputs.CognitoEndpoint}  user pool ${stack.outputs.UserPoolId}, client ${stack.outputs.UserPoolClientId}`,
    `  DynamoDB     ${stack.dynamoEndpoint}${args.dataDir ? `  (data in ${stack.dataDir})` : '  (in memory)'}`,
    `  SQS          ${stack.sqsEndpoint}`,
    `  Live channel ${stack.outputs.EventApiRealtimeEndpoint}  (publish: ${stack.outputs.EventApiHttpEndpoint}, IAM only)`,
    `  Outputs      ${outputsFile}`,
    `  Outbox       ${stack.outboxFile}`,
    `  Logs         ${logFile ? `${args.logFile}  (requests and functions; --verbose shows them here)` : 'on this terminal (--verbose)'}`,
    '',
    `  Demo users (password ${DEMO_PASSWORD}): ${DEMO_ADMIN_EMAIL} (admin), ${demoPlayerEmail(1)} … ${demoPlayerEmail(DEMO_PLAYER_COUNT)}`,
    `  Sign in:     aws cognito-idp initiate-auth --region us-east-1 --endpoint-url ${stack.outputs.CognitoEndpoint} --client-id ${stack.outputs.UserPoolClientId} \\`,
    `                 --auth-flow USER_PASSWORD_AUTH --auth-parameters USERNAME=${DEMO_ADMIN_EMAIL},PASSWORD=${DEMO_PASSWORD}`,
    '',
    '  Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch(async (err) => {
  await stack?.stop().catch(() => {});
  fail(err);
});
