/**
 * The operators' scripts, against any stack — local (`npm start` writes cdk-outputs.local.json) or deployed
 * (`cdk deploy --outputs-file cdk-outputs.json`):
 *
 *   npm run canary [-- --outputs FILE] [--stack NAME] [--window SECONDS]
 *       the canary's check (lambda/usecases/canaryCheck.ts), once. Credentials: CANARY_USERNAME and CANARY_PASSWORD,
 *       or --secret NAME (a Secrets Manager secret {"username","password"}, read with your AWS credentials). On a local
 *       stack without them, the canary user is created (in the admin group) through cognito-local's admin API.
 *   npm run dlq -- status | redrive QUEUE [--outputs FILE] [--stack NAME]
 *       the dead-letter queues through the admin API (GET /api/v1/dlq, POST /api/v1/dlq/{queue}/redrive), signed in
 *       as TRIVIA_ADMIN_EMAIL / TRIVIA_ADMIN_PASSWORD (on a local stack, the demo admin by default).
 *
 * Exit codes: 0 success, 1 failure, 2 usage.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { findOutputs, type StackTarget } from '../client/outputs.ts';
import { runCanaryCheck, signInForToken, type CanaryCredentials, type CanaryResult, type CanaryTarget } from '../lambda/usecases/canaryCheck.ts';
import { createLocalUser } from './local/cognito.ts';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from './local/demoUsers.ts';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const consoleIo: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`), env: process.env };

class UsageError extends Error {}

const targetOf = (stack: StackTarget): CanaryTarget => ({
  apiUrl: stack.outputs.ApiUrl,
  cognitoEndpoint: stack.outputs.CognitoEndpoint,
  userPoolClientId: stack.outputs.UserPoolClientId,
});

export const LOCAL_CANARY_EMAIL = 'canary@example.com';

async function canaryCredentials(stack: StackTarget, values: { secret?: string }, env: NodeJS.ProcessEnv): Promise<CanaryCredentials> {
  if (env.CANARY_USERNAME && env.CANARY_PASSWORD) return { username: env.CANARY_USERNAME, password: env.CANARY_PASSWORD };
  if (values.secret) {
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const client = new SecretsManagerClient({});
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: values.secret }));
      const parsed = JSON.parse(out.SecretString ?? '{}') as Partial<CanaryCredentials>;
      if (!parsed.username || !parsed.password) throw new Error(`secret ${values.secret} must be JSON {"username", "password"}`);
      return { username: parsed.username, password: parsed.password };
    } finally {
      client.destroy();
    }
  }
  if (stack.local) {
    // A fresh password each run: nothing to keep or leak; the user is (re)made an admin, as the canary must be.
    const password = `Cn-${randomUUID()}-aA1!`;
    const user = await createLocalUser({ endpoint: stack.outputs.CognitoEndpoint, userPoolId: stack.outputs.UserPoolId }, { email: LOCAL_CANARY_EMAIL, password, admin: true });
    return { username: user.email, password };
  }
  throw new UsageError('no canary credentials: set CANARY_USERNAME and CANARY_PASSWORD, or pass --secret NAME');
}

function describe(result: CanaryResult): string {
  const steps = result.steps.map((s) => `${s.name} ${s.ms} ms`).join(', ');
  return result.ok
    ? `canary passed in ${result.durationMs} ms (episode ${result.episodeId}; window close → end ${result.closeToEndMs} ms): ${steps}`
    : `canary FAILED after ${result.durationMs} ms${result.episodeId ? ` (episode ${result.episodeId})` : ''}: ${result.error}${steps ? ` — done: ${steps}` : ''}`;
}

/** `npm run canary`: resolves to the exit code. */
export async function canaryCommand(argv: string[], io: Io = consoleIo): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { outputs: { type: 'string' }, stack: { type: 'string' }, secret: { type: 'string' }, window: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
    });
    const window = values.window === undefined ? undefined : Number(values.window);
    if (window !== undefined && !(window >= 1 && window <= 60)) throw new UsageError('--window must be 1 to 60 seconds');
    const stack = findOutputs({ file: values.outputs, stackName: values.stack, env: io.env });
    const credentials = await canaryCredentials(stack, values, io.env);
    const result = await runCanaryCheck(targetOf(stack), credentials, { answerWindowSeconds: window ?? (stack.local ? 3 : 5) });
    io.out(values.json ? JSON.stringify({ stack: stack.stackName, ...result }) : `${stack.stackName}: ${describe(result)}`);
    return result.ok ? 0 : 1;
  } catch (err) {
    io.err(`error: ${(err as Error).message}`);
    return err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}

const DLQ_USAGE = 'usage: npm run dlq -- status | redrive QUEUE [--outputs FILE] [--stack NAME]';

/** `npm run dlq`: resolves to the exit code. */
export async function dlqCommand(argv: string[], io: Io = consoleIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { outputs: { type: 'string' }, stack: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const [command, queue] = positionals;
    if (!(command === 'status' && !queue) && !(command === 'redrive' && queue)) throw new UsageError(DLQ_USAGE);
    const stack = findOutputs({ file: values.outputs, stackName: values.stack, env: io.env });
    const email = io.env.TRIVIA_ADMIN_EMAIL ?? (stack.local ? DEMO_ADMIN_EMAIL : undefined);
    const password = io.env.TRIVIA_ADMIN_PASSWORD ?? (stack.local ? DEMO_PASSWORD : undefined);
    if (!email || !password) throw new UsageError('set TRIVIA_ADMIN_EMAIL and TRIVIA_ADMIN_PASSWORD (an admin of the stack)');
    const token = await signInForToken(targetOf(stack), { username: email, password });
    const path = command === 'status' ? '/api/v1/dlq' : `/api/v1/dlq/${encodeURIComponent(queue)}/redrive`;
    const res = await fetch(`${stack.outputs.ApiUrl}${path}`, { method: command === 'status' ? 'GET' : 'POST', headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (!res.ok) {
      io.err(`error: ${command} answered ${res.status}: ${text}`);
      return 1;
    }
    io.out(JSON.stringify(JSON.parse(text), null, 2));
    return 0;
  } catch (err) {
    io.err(err instanceof UsageError ? err.message : `error: ${(err as Error).message}`);
    return err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}
