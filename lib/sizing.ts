/**
 * Production sizing: DynamoDB warm throughput and the number of key shards per episode, with the arithmetic behind
 * the defaults. Pure (no CDK imports): the CDK stack reads it through CDK context, the local stack takes its defaults.
 *
 * The design point is a show of ~1,000,000 players. Answers arrive within a 10 s window and are front-loaded (most
 * players answer in the first seconds): we size for a peak of 100,000 answers per second. Registrations arrive in the
 * minutes before the start, after the push notification: ~1,000,000 in a minute is ~17,000 per second.
 *
 * What one answer costs (lambda/http/submitResponse.ts and lambda/queue/recordAnswers.ts):
 *  - one BatchGetItem, eventually consistent: the player's registration (participants, 0.5 RRU) and its answers to this
 *    and the previous question (responses, 2 × 0.5 RRU);
 *  - one conditional PutItem of an item under 1 KB (responses, 1 WRU).
 * So at 100,000 answers/s: responses 100,000 WRU/s and 100,000 RRU/s; participants 50,000 RRU/s.
 */
import type { TableId } from './wiring.ts';

/** Reads a CDK context value (`scope.node.tryGetContext`); `-c name=value` gives strings. */
export type ContextReader = (name: string) => unknown;

export interface WarmThroughputUnits {
  readUnitsPerSecond: number;
  writeUnitsPerSecond: number;
}

/** Tables whose warm throughput the stack sets (the others stay at DynamoDB's defaults). */
export type WarmTable = Extract<TableId, 'responses' | 'participants' | 'statistics'>;
export const WARM_TABLES: WarmTable[] = ['responses', 'participants', 'statistics'];

/**
 * What a new on-demand table can take at once without pre-warming (12,000 reads/s and 4,000 writes/s). Warm throughput
 * can only be raised above this, and never lowered again once raised.
 */
export const ON_DEMAND_BASELINE: WarmThroughputUnits = { readUnitsPerSecond: 12_000, writeUnitsPerSecond: 4_000 };

/**
 * Defaults for prod (context `warmThroughput.<table>.read` / `.write` overrides each one):
 *  - responses: 100,000 writes/s and 100,000 reads/s, the answer peak of the design point (see above). Without
 *    pre-warming a new on-demand table absorbs 4,000 writes/s at once and then roughly doubles its previous peak every
 *    30 minutes: the first question of the first big show would be throttled.
 *  - participants: 20,000 writes/s for the registration rush (~17,000/s), 50,000 reads/s for the answer checks.
 *  - statistics: little traffic overall: one partial per stream batch and one final item per question. Players read a
 *    question's final statistics right after it closes, but that is one item: no table-level setting lifts the per-item
 *    limit (3,000 RCU, i.e. 6,000 eventually consistent reads/s), only a cache in front of it does. The warm values give
 *    headroom for several concurrent shows and for reports, not for that one item.
 */
export const PROD_WARM_THROUGHPUT: Record<WarmTable, WarmThroughputUnits> = {
  responses: { readUnitsPerSecond: 100_000, writeUnitsPerSecond: 100_000 },
  participants: { readUnitsPerSecond: 50_000, writeUnitsPerSecond: 20_000 },
  statistics: { readUnitsPerSecond: 30_000, writeUnitsPerSecond: 10_000 },
};

/**
 * Key shards per episode (RESPONSE_SHARDS, stored on each episode as `shard_count`): responses are keyed
 * `${episode}#${question}#${shard}` and participants `${episode}#${shard}`, and one partition key value can take at most
 * 1,000 WCU/s and 3,000 RCU/s however warm the table is. 100,000 answer writes/s therefore need at least 100 keys;
 * 128 leaves ~25% headroom for the uneven spread of the hash and for the front-loaded burst. Registrations (20,000/s →
 * 20 keys) and answer checks (50,000 RRU/s → 17 keys) need fewer. The cost of more shards is one Query per shard when
 * a whole question or episode is read back (reports, recounts): 128 small parallel Queries, off the hot path.
 * Locally and in dev stages 16 is plenty (DynamoDB Local has no partitions; fewer shards make reads back cheaper).
 */
export const LOCAL_RESPONSE_SHARDS = 16;
export const PROD_RESPONSE_SHARDS = 128;
/** More would make every read back of a question slow (one Query each); a show that needs more needs a new design. */
export const MAX_RESPONSE_SHARDS = 1024;

function positiveInteger(raw: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`context ${name} must be an integer from ${min} to ${max}, got ${String(raw)}`);
  return n;
}

function flag(raw: unknown, name: string): boolean | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new Error(`context ${name} must be true or false, got ${String(raw)}`);
}

/** RESPONSE_SHARDS for a stage: context `responseShards`, else 128 in prod and 16 elsewhere. */
export function responseShards(context: ContextReader, prod: boolean): number {
  return positiveInteger(context('responseShards'), 'responseShards', 1, MAX_RESPONSE_SHARDS) ?? (prod ? PROD_RESPONSE_SHARDS : LOCAL_RESPONSE_SHARDS);
}

/**
 * Warm throughput per table, or undefined when the stage does not pre-warm: on in prod, off elsewhere, and context
 * `warmThroughput=true|false` decides either way. Pre-warming is billed (once per increase) and cannot be undone, so a
 * dev stage does not do it by default.
 */
export function warmThroughput(context: ContextReader, prod: boolean): Record<WarmTable, WarmThroughputUnits> | undefined {
  if (!(flag(context('warmThroughput'), 'warmThroughput') ?? prod)) return undefined;
  const units = (table: WarmTable, kind: 'read' | 'write'): number => {
    const name = `warmThroughput.${table}.${kind}`;
    const key = kind === 'read' ? 'readUnitsPerSecond' : 'writeUnitsPerSecond';
    return positiveInteger(context(name), name, ON_DEMAND_BASELINE[key]) ?? PROD_WARM_THROUGHPUT[table][key];
  };
  return Object.fromEntries(
    WARM_TABLES.map((t) => [t, { readUnitsPerSecond: units(t, 'read'), writeUnitsPerSecond: units(t, 'write') }]),
  ) as Record<WarmTable, WarmThroughputUnits>;
}
