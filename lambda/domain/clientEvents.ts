/**
 * Client events (The Eye): what trusted clients send to `POST /api/v1/client-events`, and the rules that decide
 * whether one event is kept. Pure: zod only, no AWS.
 *
 * The collector checks only the batch's envelope (1–100 events) and queues it; the consumer checks each event with
 * `checkClientEvent`. An event that fails is not dropped: it is recorded in the errors table under one of
 * CLIENT_EVENT_REASONS, and the rest of its batch is kept.
 *
 * Identity: the token's subject is the event's `user_id`, never the body. Before sign-in a client has no token, so it
 * keeps its events (page views with their `utm_*`) under an `anonymous_id` it generated (a random id kept on the
 * device) and sends them once signed in, with their own timestamps; the sign-up event carries the same
 * `anonymous_id`, which is how attribution links a sign-up to the visits before it (lambda/domain/growth.ts).
 */
import { z } from 'zod';
import { eventId } from './events.ts';
import { instant } from './operations.ts';

const MAX_EVENTS_PER_BATCH = 100;
/** The largest event, as JSON: a bigger one is recorded as `client_event_oversized`, not stored. */
const MAX_EVENT_BYTES = 4 * 1024;
/** A client clock may run ahead of the server's by this much; an event further in the future is refused. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
/** Events buffered before sign-in are sent late; older than this they are refused (the attribution lookback). */
export const MAX_EVENT_AGE_MS = 30 * 24 * 3600_000;
/** The collector's body limit: 100 events of up to 4 KiB would not fit 16 KiB; an SQS message takes 256 KiB. */
export const MAX_BATCH_BODY_BYTES = 200 * 1024;

export const CLIENT_EVENT_REASONS = {
  notAnObject: 'client_event_not_object',
  missingSession: 'client_event_missing_session',
  dataNotObject: 'client_event_data_not_object',
  oversized: 'client_event_oversized',
  invalid: 'client_event_invalid',
  inFuture: 'client_event_in_future',
  tooOld: 'client_event_too_old',
} as const;
type ClientEventReason = (typeof CLIENT_EVENT_REASONS)[keyof typeof CLIENT_EVENT_REASONS];

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** One event as a client sends it. `timestamp`: epoch milliseconds or an ISO 8601 time, by the client's clock. */
export const clientEventInput = z
  .object({
    event_id: z.string().regex(ID).optional().describe('a client-chosen id (a UUID): a batch sent again with the same ids (a retry) is stored and counted once'),
    session_id: z.string().regex(ID).describe("the client's session (a random id per app start)"),
    anonymous_id: z.string().regex(ID).optional().describe('the device\'s id before sign-in (a random id it keeps); links a sign-up to earlier visits'),
    category: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).describe('e.g. `page`, `account`, `game`'),
    name: z.string().regex(/^[a-z][a-z0-9_.]{0,63}$/).describe('e.g. `page_view`, `sign_up`'),
    timestamp: z.union([z.number().int().min(0), z.iso.datetime({ offset: true })]).describe('epoch milliseconds or ISO 8601'),
    data: z.record(z.string(), z.unknown()).optional().describe('a JSON object; page views carry `path` and `utm_source`, `utm_medium`, `utm_campaign`'),
  })
  .meta({ id: 'ClientEventInput' });
export type ClientEventInput = z.input<typeof clientEventInput>;

/** The collector's body: only the envelope is checked there; each event is checked by the consumer. */
export const clientEventBatchInput = z
  .object({
    events: z
      .array(z.unknown())
      .min(1)
      .max(MAX_EVENTS_PER_BATCH)
      .describe('1–100 events, each a ClientEventInput; one that does not validate is recorded as an error, the others are kept'),
  })
  .meta({ id: 'ClientEventBatch' });

/** What the collector queues: one message per batch, stamped with the caller and the server's receipt time. */
export const queuedClientBatch = z.object({
  user_id: z.string().min(1),
  received_at: z.number().int(),
  request_id: z.string(),
  events: z.array(z.object({ event_id: z.string().min(1), raw: z.unknown() })),
});
export type QueuedClientBatch = z.infer<typeof queuedClientBatch>;

/**
 * The id an event is stored under: derived from the caller and the client's own `event_id` when it sends one (so a
 * retried batch lands on the same items and the same growth partial), else random.
 */
export function storedEventId(raw: unknown, userId: string, random: () => string): string {
  const own = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { event_id?: unknown }).event_id : undefined;
  return typeof own === 'string' && ID.test(own) ? eventId(`client-event/${userId}/${own}`) : random();
}

/** The key of a batch's growth partial: the same events (a retried batch) give the same key. */
export const batchKey = (eventIds: string[]) => eventId(`client-batch/${eventIds.join(',')}`);

/** A stored client event. */
export interface ClientEvent {
  event_id: string;
  session_id: string;
  anonymous_id?: string;
  user_id: string;
  category: string;
  name: string;
  /** The client's time of the event, epoch ms. */
  timestamp: number;
  /** The server's receipt time, epoch ms. */
  received_at: number;
  data: Record<string, unknown>;
}

export type CheckedClientEvent = { ok: true; event: ClientEvent } | { ok: false; reason: ClientEventReason; detail: string };

const isPlainObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);

/** One queued event, checked in a fixed order so that each bad event has exactly one reason. */
export function checkClientEvent(raw: unknown, ctx: { event_id: string; user_id: string; received_at: number }): CheckedClientEvent {
  const fail = (reason: ClientEventReason, detail: string): CheckedClientEvent => ({ ok: false, reason, detail });
  if (!isPlainObject(raw)) return fail(CLIENT_EVENT_REASONS.notAnObject, 'an event must be a JSON object');
  if (typeof raw.session_id !== 'string' || raw.session_id === '') return fail(CLIENT_EVENT_REASONS.missingSession, '`session_id` is missing');
  if (raw.data !== undefined && !isPlainObject(raw.data)) return fail(CLIENT_EVENT_REASONS.dataNotObject, '`data` must be a JSON object');
  const bytes = Buffer.byteLength(JSON.stringify(raw), 'utf8');
  if (bytes > MAX_EVENT_BYTES) return fail(CLIENT_EVENT_REASONS.oversized, `the event is ${bytes} bytes; at most ${MAX_EVENT_BYTES}`);
  const parsed = clientEventInput.safeParse(raw);
  if (!parsed.success) {
    const fields = Object.keys(z.flattenError(parsed.error).fieldErrors).join(', ');
    return fail(CLIENT_EVENT_REASONS.invalid, `invalid: ${fields || 'the event'}`);
  }
  const e = parsed.data;
  const timestamp = typeof e.timestamp === 'number' ? e.timestamp : Date.parse(e.timestamp);
  if (timestamp > ctx.received_at + MAX_FUTURE_SKEW_MS) {
    return fail(CLIENT_EVENT_REASONS.inFuture, `timestamp is ${timestamp - ctx.received_at} ms after the server's receipt; at most ${MAX_FUTURE_SKEW_MS}`);
  }
  if (timestamp < ctx.received_at - MAX_EVENT_AGE_MS) return fail(CLIENT_EVENT_REASONS.tooOld, 'timestamp is more than 30 days before receipt');
  return {
    ok: true,
    event: {
      event_id: ctx.event_id,
      session_id: e.session_id,
      ...(e.anonymous_id ? { anonymous_id: e.anonymous_id } : {}),
      user_id: ctx.user_id,
      category: e.category,
      name: e.name,
      timestamp,
      received_at: ctx.received_at,
      data: e.data ?? {},
    },
  };
}

/** The lake's record of a client event: beside the domain events, type `client.event`, `data` as JSON text. */
export const CLIENT_EVENT_TYPE = 'client.event';
export interface ClientEventRecord {
  id: string;
  type: typeof CLIENT_EVENT_TYPE;
  version: 1;
  time: string;
  received_at: string;
  session_id: string;
  anonymous_id: string | null;
  user_id: string;
  category: string;
  name: string;
  /** The event's `data` as JSON text: its fields differ per event, the lake reads them with json_extract_scalar. */
  data: string;
}

export function lakeRecord(e: ClientEvent): ClientEventRecord {
  return {
    id: e.event_id,
    type: CLIENT_EVENT_TYPE,
    version: 1,
    time: new Date(e.timestamp).toISOString(),
    received_at: new Date(e.received_at).toISOString(),
    session_id: e.session_id,
    anonymous_id: e.anonymous_id ?? null,
    user_id: e.user_id,
    category: e.category,
    name: e.name,
    data: JSON.stringify(e.data),
  };
}

/** Admin query of stored events (GET /api/v1/client-events). */
export const MAX_CLIENT_QUERY_RANGE_MS = 7 * 24 * 3600_000;
export const clientEventsQuery = z.strictObject({
  session_id: z.string().regex(ID).optional().describe('one session\'s events (any time unless `from`/`to` say otherwise)'),
  category: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).optional().describe('one category\'s events in the range'),
  from: instant.optional().describe('start of the range, by event timestamp (default: `to` minus 24 h; without session_id)'),
  to: instant.optional().describe('end of the range, inclusive (default: now); at most 7 days after `from` without session_id'),
  limit: z.coerce.number().int().min(1).max(1000).optional().describe('page size (default 100)'),
  next: z.string().min(1).max(4096).optional().describe('the cursor of the previous page'),
});

export const clientEvent = z
  .object({
    event_id: z.string(),
    session_id: z.string(),
    anonymous_id: z.string().optional(),
    user_id: z.string().describe("the sender's token subject"),
    category: z.string(),
    name: z.string(),
    timestamp: z.number().int().describe('epoch ms, by the client'),
    received_at: z.number().int().describe('epoch ms, by the server'),
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ClientEvent' });

export const clientEventsPage = z
  .object({
    items: z.array(clientEvent).describe('oldest first (by timestamp, then event id)'),
    next: z.string().optional().describe('pass as `next` for the following page; absent on the last page'),
  })
  .meta({ id: 'ClientEventsPage' });
export type ClientEventsPage = z.infer<typeof clientEventsPage>;

export const clientEventsAccepted = z
  .object({
    status: z.literal('accepted'),
    queued: z.number().int().min(1).describe('events queued; each is then checked, and a bad one is recorded in the errors (GET /api/v1/errors)'),
    received_at: z.number().int(),
  })
  .meta({ id: 'ClientEventsAccepted' });
