/**
 * Bot players for simulations. On a local stack they are created through cognito-local's admin API (AdminCreateUser
 * + AdminSetUserPassword, with placeholder credentials, as the local stack creates its demo users). On a deployed
 * stack the CLI never creates users: bot credentials must be provided (a JSON file of `{email, password}`).
 */
import { readFileSync } from 'node:fs';
import {
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

/** Creates (or resets) `count` confirmed bot users on a local stack; idempotent, so the same bots serve every run. */
export async function provisionLocalBots(
  target: StackTarget,
  count: number,
  opts: { prefix?: string; concurrency?: number; onProgress?: (done: number) => void } = {},
): Promise<BotCredentials[]> {
  if (!target.local) {
    throw new Error(
      `${target.stackName} is not a local stack: the CLI does not create users there. Pass --bots FILE with [{"email","password"}, …] of existing users`,
    );
  }
  const { CognitoEndpoint: endpoint, UserPoolId: userPoolId } = target.outputs;
  const client = new CognitoIdentityProviderClient({
    region: regionOf(endpoint, userPoolId),
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 4,
  });
  let done = 0;
  try {
    const emails = Array.from({ length: count }, (_, i) => botEmail(i + 1, opts.prefix));
    return await mapLimit(emails, opts.concurrency ?? 4, async (email) => {
      try {
        await client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: email,
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
            ],
          }),
        );
      } catch (err) {
        if ((err as Error).name !== 'UsernameExistsException') throw err;
      }
      await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: email, Password: BOT_PASSWORD, Permanent: true }));
      opts.onProgress?.(++done);
      return { email, password: BOT_PASSWORD };
    });
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
