/**
 * Set-up of the answers bench: a fresh local stack with the metering proxy, an admin, the measured show's players
 * (the first `accuracy` share answer right) and the warm-up show's, all with local access tokens.
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../../lib/local/dynamo.ts';
import type { MeterSnapshot } from '../../lib/local/dynamoProxy.ts';
import { startLocalStack, type LocalStack } from '../../lib/local/stack.ts';
import { localAccessToken } from '../../lib/local/tokens.ts';
import { cpuNow, round, sleep } from '../measure.ts';
import { RIGHT, log, type BenchConfig } from './config.ts';

export interface BenchPlayer {
  sub: string;
  token: string;
  right: boolean;
}

export interface Bench {
  config: BenchConfig;
  stack: LocalStack;
  /** DynamoDB Local without the meter: the bench's own reads do not count. */
  direct: DynamoDBDocumentClient;
  /** The user pool's issuer, for an authorizer of the baseline's own. */
  issuer: string;
  /** A prefix that keeps this run's ids apart from any other's. */
  run: string;
  admin: string;
  players: BenchPlayer[];
  warmupPlayers: BenchPlayer[];
}

export async function setUpBench(config: BenchConfig): Promise<Bench> {
  log(`starting a fresh local stack (players ${config.players}, concurrency ${config.concurrency})`);
  const stack = await startLocalStack({ quiet: true, demoUsers: false, dynamoProxy: true });
  try {
    const direct = DynamoDBDocumentClient.from(dynamoClient(stack.dynamoEndpoint));
    const issuer = `${stack.outputs.CognitoEndpoint}/${stack.outputs.UserPoolId}`;
    const token = (sub: string, groups?: string[]) => localAccessToken({ issuer, clientId: stack.outputs.UserPoolClientId, sub, groups });
    const run = `bench-${Date.now().toString(36)}`;
    const admin = await token(`${run}-admin`, ['admin']);
    const players = await Promise.all(
      Array.from({ length: config.players }, async (_, i) => ({ sub: `${run}-p${i}`, token: await token(`${run}-p${i}`), right: i < Math.round(config.players * config.accuracy) })),
    );
    const warmupPlayers = await Promise.all(Array.from({ length: config.warmupPlayers }, async (_, i) => ({ sub: `${run}-w${i}`, token: await token(`${run}-w${i}`), right: i % 2 === 0 })));
    return { config, stack, direct, issuer, run, admin, players, warmupPlayers };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

/** The answer player `i` of a show gives: the right one, else one of the two wrong ones. */
export const answerOf = (p: { right: boolean }, i: number) => (p.right ? RIGHT : i % 2 === 0 ? 0 : 2);

/** CPU per answer (ms) of this process and of DynamoDB Local since `from`. */
export const cpuSince = (from: { node: number; java: number }, answers: number) => {
  const to = cpuNow();
  return { node: round((to.node - from.node) / answers, 2), dynamodb_local: round((to.java - from.java) / answers, 2) };
};

export type CpuPerAnswer = ReturnType<typeof cpuSince>;

/**
 * Waits until the stack's event sources have been idle for a while (schedule timers aside), so that a phase is not
 * measured while the previous one's backlog (2,000 registrations' counts and events, say) still runs.
 */
export async function quiescent(stack: LocalStack, idleMs = 1500, timeoutMs = 120_000): Promise<void> {
  const busy = () =>
    Object.entries(stack.stats().sources)
      .filter(([source]) => !source.startsWith('schedule:'))
      .reduce((n, [, s]) => n + s.invocations, 0);
  const deadline = Date.now() + timeoutMs;
  let last = busy();
  let idleSince = Date.now();
  while (Date.now() - idleSince < idleMs) {
    if (Date.now() > deadline) throw new Error('the local stack did not settle');
    await sleep(100);
    const now = busy();
    if (now !== last) [last, idleSince] = [now, Date.now()];
  }
}

export const meter = (stack: LocalStack): MeterSnapshot => stack.proxy!.meter.snapshot();

/** Answers of an episode's first question the grader has counted so far (its partial sums, read directly, not through the meter). */
export async function countedSoFar(bench: Bench, episodeId: string): Promise<number> {
  const out = await bench.direct.send(
    new QueryCommand({ TableName: bench.stack.tableNames.statistics, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `${episodeId}#q0` }, ConsistentRead: true }),
  );
  return (out.Items ?? []).filter((i) => String(i.sk).startsWith('p#')).reduce((n, i) => n + (i.value?.total ?? 0), 0);
}
