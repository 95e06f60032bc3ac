/**
 * The operations routes' shapes (GET /api/v1/errors, GET /api/v1/dlq, POST /api/v1/dlq/{queue}/redrive) and the
 * rules of the errors table's keys. Pure: zod only, no AWS (the store is lambda/store/errorRecords.ts).
 */
import { z } from 'zod';

/** Reasons are the contract's error codes (`answer_window_closed`, `invalid_body`, …) or a consumer's (`dead_letter`, …). */
const REASON = /^[a-z][a-z0-9_]{0,63}$/;

/** Reasons recorded by the consumers and the dead-letter sweep (HTTP rejections use the error code of the response). */
export const CONSUMER_REASONS = {
  /** A message that failed its last attempt, or that the sweep found in a dead-letter queue. */
  deadLetter: 'dead_letter',
  /** A second answer that was still queued when the first was stored: dropped by the consumer (only the first counts). */
  duplicateDropped: 'duplicate_answer_dropped',
} as const;

/** How long a record is kept: as long as SQS keeps a dead letter. */
export const ERROR_TTL_MS = 14 * 24 * 3600 * 1000;
/** Partitions per reason and day (and per episode, and per day for the time index): see lambda/store/errorRecords.ts. */
export const ERROR_SHARDS = 16;
/** The longest range one query may cover (each day is ERROR_SHARDS queries per index). */
export const MAX_QUERY_RANGE_MS = 7 * 24 * 3600 * 1000;
export const DEFAULT_QUERY_RANGE_MS = 24 * 3600 * 1000;

const epochMs = z.number().int().describe('epoch milliseconds');

/** `from` and `to` of the admin queries (errors, client events): epoch milliseconds, or an ISO 8601 date or time. */
export const instant = z
  .string()
  .regex(/^(\d{1,15}|\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/)
  .describe('epoch milliseconds, or an ISO 8601 date or time');

export const errorsQuery = z.strictObject({
  reason: z.string().regex(REASON).optional().describe('an error code, e.g. `answer_window_closed`, `invalid_body`, `dead_letter`'),
  episode_id: z.string().min(1).max(200).optional(),
  from: instant.optional().describe('start of the range (default: `to` minus 24 h)'),
  to: instant.optional().describe('end of the range (default: now); at most 7 days after `from`'),
  limit: z.coerce.number().int().min(1).max(1000).optional().describe('at most this many records, newest first (default 100)'),
});

/** `from`/`to` as epoch milliseconds (NaN when unparseable). */
export const parseInstant = (s: string): number => (/^\d+$/.test(s) ? Number(s) : Date.parse(s));

const errorRecord = z
  .object({
    id: z.string(),
    at: epochMs,
    reason: z.string(),
    source: z.string().describe('`POST /api/v1/response` (a route), `sqs:answers` (a consumer) or `dlq:answers` (the dead-letter sweep)'),
    status: z.number().int().optional().describe('the HTTP status answered, for a rejected request'),
    detail: z.string().optional(),
    episode_id: z.string().optional(),
    question_index: z.number().int().optional(),
    user_id: z.string().optional(),
    message_id: z.string().optional(),
    payload: z.string().optional().describe('the body, redacted (tokens, passwords and answers masked) and cut to 2 KiB'),
    represents: z.number().int().min(1).describe('rejections are sampled per function instance: how many this record stands for'),
  })
  .meta({ id: 'ErrorRecord' });
export type ErrorRecord = z.infer<typeof errorRecord>;

/** What is recorded in the errors table (lambda/store/errorRecords.ts): a rejection, an unprocessable input, a dead letter. */
export interface ErrorEntry {
  reason: string;
  source: string;
  at: number;
  status?: number;
  detail?: string;
  episode_id?: string;
  question_index?: number;
  user_id?: string;
  message_id?: string;
  /** Already redacted (lambda/shared/redact.ts). */
  payload?: string;
  /** How many occurrences this record stands for (sampling); 1 when absent. */
  represents?: number;
  /** A stable id makes recording idempotent (a retried batch rewrites the same item); random when absent. */
  id?: string;
}

export const errorsPage = z
  .object({
    items: z.array(errorRecord),
    from: epochMs,
    to: epochMs,
    truncated: z.boolean().describe('more records matched than `limit`: narrow the range'),
  })
  .meta({ id: 'ErrorsPage' });
export type ErrorsPage = z.infer<typeof errorsPage>;

const moveTask = z.object({
  status: z.string().describe('RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED'),
  moved: z.number().int(),
  to_move: z.number().int().optional(),
  started_at: epochMs.optional(),
  failure_reason: z.string().optional(),
});

const deadLetterQueueStatus = z.object({
  queue: z.string().describe('`answers`, `runnerTicks` or `streams` (stream batches that failed all retries)'),
  messages: z.number().int().describe('approximate number of dead letters waiting'),
  in_flight: z.number().int().describe('dead letters being looked at (received, not yet visible again)'),
  redrivable: z.boolean().describe('POST /api/v1/dlq/{queue}/redrive can move them back (not for `streams`)'),
  move_tasks: z.array(moveTask).describe('the latest redrives of this queue'),
});

export const deadLetterStatus = z.object({ queues: z.array(deadLetterQueueStatus) }).meta({ id: 'DeadLetterStatus' });
export type DeadLetterStatus = z.infer<typeof deadLetterStatus>;

export const redrivePath = z.object({ queue: z.string().min(1).max(64) });

export const redriveStarted = z
  .object({
    queue: z.string(),
    status: z.literal('RUNNING'),
    task_handle: z.string(),
    approximate_messages: z.number().int().describe('dead letters waiting when the move started'),
  })
  .meta({ id: 'RedriveStarted' });
export type RedriveStarted = z.infer<typeof redriveStarted>;

/** The partition of a record: `shard` spreads one reason's (or episode's) writes over ERROR_SHARDS partitions. */
export function errorKeys(input: { reason: string; at: number; id: string; shard: number; episodeId?: string }) {
  const day = new Date(input.at).toISOString().slice(0, 10);
  return {
    pk: `${input.reason}#${day}#${input.shard}`,
    sk: `${String(input.at).padStart(15, '0')}#${input.id}`,
    time_key: `${day}#${input.shard}`,
    ...(input.episodeId ? { episode_key: `${input.episodeId}#${input.shard}` } : {}),
  };
}

/** The UTC days (`YYYY-MM-DD`) a range touches, newest first. */
export function daysOf(from: number, to: number): string[] {
  const days: string[] = [];
  const start = Date.UTC(new Date(from).getUTCFullYear(), new Date(from).getUTCMonth(), new Date(from).getUTCDate());
  for (let t = start; t <= to; t += 24 * 3600 * 1000) days.push(new Date(t).toISOString().slice(0, 10));
  return days.reverse();
}

/** The sort-key range of [from, to] (inclusive). */
export const sortKeyRange = (from: number, to: number) => ({ lo: `${String(from).padStart(15, '0')}#`, hi: `${String(to).padStart(15, '0')}#~` });

/**
 * A token bucket per key (per reason): the first `burst` records pass, then one every `1/perSecond` seconds. What is
 * skipped is counted, and the next record that passes carries the count (`represents`), so the table still tells
 * roughly how many there were; exact counts are metrics (AnswersRejected by reason, Rejections by reason).
 */
export function createSampler(opts: { burst: number; perSecond: number; now?: () => number; maxKeys?: number }) {
  const now = opts.now ?? (() => Date.now());
  const buckets = new Map<string, { tokens: number; at: number; skipped: number }>();
  return (key: string): number => {
    const t = now();
    let b = buckets.get(key);
    if (!b) {
      if (buckets.size >= (opts.maxKeys ?? 256)) buckets.clear();
      b = { tokens: opts.burst, at: t, skipped: 0 };
      buckets.set(key, b);
    }
    b.tokens = Math.min(opts.burst, b.tokens + ((t - b.at) / 1000) * opts.perSecond);
    b.at = t;
    if (b.tokens < 1) {
      b.skipped++;
      return 0;
    }
    b.tokens -= 1;
    const represents = 1 + b.skipped;
    b.skipped = 0;
    return represents;
  };
}
