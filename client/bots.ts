/**
 * Bot players for simulations. On a local stack they are created through cognito-local's admin API (AdminCreateUser
 * + AdminSetUserPassword, with placeholder credentials, as the local stack creates its demo users). On a deployed
 * stack the CLI never creates users: bot credentials must be provided (a JSON file of `{email, password}`). The local
 * canary user (`npm run canary`) is made the same way, in the admin group.
 */
import { readFileSync } from 'node:fs';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';
import { regionOf } from './auth.ts';
import type { StackTarget } from './outputs.ts';

export interface BotCredentials {
  email: string;
  password: string;
}

export const BOT_PASSWORD = 'Passw0rd!';
export const botEmail = (i: number, prefix = 'bot') => `${prefix}${i}@example.com`;

/** Runs `fn` over `items` with at most `limit` at a time; results in order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const localCognito = (target: StackTarget) => {
  if (!target.local) {
    throw new Error(
      `${target.stackName} is not a local stack: the CLI does not create users there. Pass --bots FILE with [{"email","password"}, …] of existing users`,
    );
  }
  const { CognitoEndpoint: endpoint, UserPoolId: userPoolId } = target.outputs;
  return new CognitoIdentityProviderClient({
    region: regionOf(endpoint, userPoolId),
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 4,
  });
};

/** Creates the user if it is new, (re)sets its password, and adds it to `group`: idempotent. */
async function ensureUser(client: CognitoIdentityProviderClient, userPoolId: string, user: BotCredentials, group?: string): Promise<void> {
  try {
    const verifiedEmail = [{ Name: 'email', Value: user.email }, { Name: 'email_verified', Value: 'true' }];
    await client.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: user.email, MessageAction: 'SUPPRESS', UserAttributes: verifiedEmail }));
  } catch (err) {
    if ((err as Error).name !== 'UsernameExistsException') throw err;
  }
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: user.email, Password: user.password, Permanent: true }));
  if (group) await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: user.email, GroupName: group }));
}

/** Creates (or resets) `count` confirmed bot users on a local stack; idempotent, so the same bots serve every run. */
export async function provisionLocalBots(
  target: StackTarget,
  count: number,
  opts: { prefix?: string; concurrency?: number; onProgress?: (done: number) => void } = {},
): Promise<BotCredentials[]> {
  const client = localCognito(target);
  let done = 0;
  try {
    const emails = Array.from({ length: count }, (_, i) => botEmail(i + 1, opts.prefix));
    return await mapLimit(emails, opts.concurrency ?? 4, async (email) => {
      await ensureUser(client, target.outputs.UserPoolId, { email, password: BOT_PASSWORD });
      opts.onProgress?.(++done);
      return { email, password: BOT_PASSWORD };
    });
  } finally {
    client.destroy();
  }
}

/** Creates (or resets) one confirmed user on a local stack, in `group` if given (the canary's admin, say). */
export async function provisionLocalUser(target: StackTarget, user: BotCredentials, group?: string): Promise<void> {
  const client = localCognito(target);
  try {
    await ensureUser(client, target.outputs.UserPoolId, user, group);
  } finally {
    client.destroy();
  }
}

const botFile = z.array(z.object({ email: z.string().min(1), password: z.string().min(1) })).min(1);

/** Bot credentials from a JSON file: `[{"email": "...", "password": "..."}, …]`. */
export function readBotsFile(file: string): BotCredentials[] {
  const parsed = botFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: expected [{"email","password"}, …]: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
