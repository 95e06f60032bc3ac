/**
 * `npm run canary [-- --outputs FILE] [--stack NAME] [--window SECONDS] [--secret NAME] [--json]`: the canary's check,
 * once, against any stack — local (`npm start` writes cdk-outputs.local.json) or deployed (`cdk deploy --outputs-file
 * cdk-outputs.json`). An operator's script with its own flags, beside `trivia` rather than one of its commands.
 *
 * The check itself stays in lambda/usecases/canaryCheck.ts: the scheduled canary function runs it, and lambda/ never
 * imports client/ (the client depends on lambda's contract, not the other way round). Credentials: CANARY_USERNAME and
 * CANARY_PASSWORD, or --secret NAME (a Secrets Manager secret {"username","password"}, read with your AWS
 * credentials). On a local stack without them, the canary user is created in the `canary` group (not `admin`: see
 * lambda/domain/canaryScope.ts) through cognito-local's admin API.
 *
 * Exit codes: 0 success, 1 failure, 2 usage.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CANARY_GROUP } from '../../lambda/domain/canaryScope.ts';
import { runCanaryCheck, type CanaryCredentials, type CanaryResult, type CanaryTarget } from '../../lambda/usecases/canaryCheck.ts';
import { provisionLocalUser } from '../bots.ts';
import { findOutputs, type StackTarget } from '../outputs.ts';

export interface CanaryIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const consoleIo: CanaryIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`), env: process.env };

class UsageError extends Error {}

const LOCAL_CANARY_EMAIL = 'canary@example.com';

const targetOf = (stack: StackTarget): CanaryTarget => ({
  apiUrl: stack.outputs.ApiUrl,
  cognitoEndpoint: stack.outputs.CognitoEndpoint,
  userPoolClientId: stack.outputs.UserPoolClientId,
});

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
    // A fresh password each run: nothing to keep or leak; the user is (re)put in the canary group, as in AWS.
    const password = `Cn-${randomUUID()}-aA1!`;
    await provisionLocalUser(stack, { email: LOCAL_CANARY_EMAIL, password }, CANARY_GROUP);
    return { username: LOCAL_CANARY_EMAIL, password };
  }
  throw new UsageError('no canary credentials: set CANARY_USERNAME and CANARY_PASSWORD, or pass --secret NAME');
}

function describeCanary(result: CanaryResult): string {
  const steps = result.steps.map((s) => `${s.name} ${s.ms} ms`).join(', ');
  return result.ok
    ? `canary passed in ${result.durationMs} ms (episode ${result.episodeId}; window close → end ${result.closeToEndMs} ms): ${steps}`
    : `canary FAILED after ${result.durationMs} ms${result.episodeId ? ` (episode ${result.episodeId})` : ''}: ${result.error}${steps ? ` — done: ${steps}` : ''}`;
}

/** `npm run canary`: resolves to the exit code. */
export async function canaryCommand(argv: string[], io: CanaryIo = consoleIo): Promise<number> {
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
    io.out(values.json ? JSON.stringify({ stack: stack.stackName, ...result }) : `${stack.stackName}: ${describeCanary(result)}`);
    return result.ok ? 0 : 1;
  } catch (err) {
    io.err(`error: ${(err as Error).message}`);
    return err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}
