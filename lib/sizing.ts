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
import type { TableId } from '../lambda/shared/resources.ts';
import { contextFlag, contextNumber, type ContextReader } from './cdkContext.ts';

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

const positiveInteger = (context: ContextReader, name: string, min: number, max?: number) => contextNumber(context, name, { min, max, integer: true });

/** RESPONSE_SHARDS for a stage: context `responseShards`, else 128 in prod and 16 elsewhere. */
export function responseShards(context: ContextReader, prod: boolean): number {
  return positiveInteger(context, 'responseShards', 1, MAX_RESPONSE_SHARDS) ?? (prod ? PROD_RESPONSE_SHARDS : LOCAL_RESPONSE_SHARDS);
}

/**
 * Warm throughput per table, or undefined when the stage does not pre-warm: on in prod, off elsewhere, and context
 * `warmThroughput=true|false` decides either way. Pre-warming is billed (once per increase) and cannot be undone, so a
 * dev stage does not do it by default.
 */
export function warmThroughput(context: ContextReader, prod: boolean): Record<WarmTable, WarmThroughputUnits> | undefined {
  if (!(contextFlag(context, 'warmThroughput') ?? prod)) return undefined;
  const units = (table: WarmTable, kind: 'read' | 'write'): number => {
    const name = `warmThroughput.${table}.${kind}`;
    const key = kind === 'read' ? 'readUnitsPerSecond' : 'writeUnitsPerSecond';
    return positiveInteger(context, name, ON_DEMAND_BASELINE[key]) ?? PROD_WARM_THROUGHPUT[table][key];
  };
  return Object.fromEntries(
    WARM_TABLES.map((t) => [t, { readUnitsPerSecond: units(t, 'read'), writeUnitsPerSecond: units(t, 'write') }]),
  ) as Record<WarmTable, WarmThroughputUnits>;
}

/* ------------------------------------------------------------------ edge and API protection (issue 15) */

/**
 * API Gateway's throttle quota for the account and Region: 10,000 requests/s with a burst of 5,000 by default
 * (adjustable; docs/SCALING.md). The stage throttle (context `throttleRateLimit`/`throttleBurstLimit`, lib/constructs/api.ts)
 * defaults to it; the per-route limits below are shares of the stage rate, so they follow when the quota is raised.
 */
export interface RouteThrottle {
  rateLimit: number;
  burstLimit: number;
}

/**
 * Per-route throttles. The point is that a flood of reads cannot starve the answers: every route but
 * `POST /api/v1/response` is capped, player routes at a share of the stage rate R and admin routes at a fixed rate, so
 * that answers always keep about half of R (and all of it while nothing else is asked):
 *  - GET episode 10% + GET statistics 6% + GET game 2%: players follow a show on the live channel, not by polling
 *    (question.results carries the statistics); GET episode (the lobby) 1% and GET episode/{id}/winners 1%: the apps
 *    read them on opening and at the end of a show;
 *    these are joins and reconnects (CloudFront absorbs repeats within a second per session);
 *  - GET live snapshot 1%: CloudFront serves it from one shared entry per episode, so its origin sees about one
 *    request a second per live episode; GET episode/{id}/me 2%: a player's standing on joining and reconnecting;
 *  - POST participant 15%: the registration rush (~17,000/s at the design point, more than the default quota: raise it);
 *  - GET and PUT user/me 3% each, DELETE user/me 1%; health 1% (load balancers and canaries), openapi.json 1%;
 *  - POST client-events 3%: the apps batch their events (up to 100 a request);
 *  - admin routes: ADMIN_ROUTE_THROTTLE each, a producer's console, not a share (12 routes × 10/s = 120/s = 1.2% of R
 *    at the default quota).
 * Shares: 10 + 6 + 2 + 1 + 1 + 1 + 2 + 15 + 3 + 3 + 1 + 3 + 1 + 1 = 50% of R. At the default R = 10,000 the capped routes take at most
 * 5,000 + 120 = 5,120/s, so answers keep at least 4,880/s (48.8%). Burst is half the rate, at least 10.
 * Routes not listed (new ones) fall under the stage limit until they are added here; test/infra/edge.test.ts lists them.
 */
export const PLAYER_ROUTE_SHARES: Record<string, number> = {
  'GET /api/v1/episode/{id}': 0.1,
  'GET /api/v1/episode': 0.01,
  'GET /api/v1/episode/{id}/winners': 0.01,
  'GET /api/v1/live/{id}': 0.01,
  'GET /api/v1/episode/{id}/me': 0.02,
  'GET /api/v1/episode/{id}/question/{index}/statistics': 0.06,
  'GET /api/v1/game/{id}': 0.02,
  'POST /api/v1/participant': 0.15,
  'GET /api/v1/user/me': 0.03,
  'PUT /api/v1/user/me': 0.03,
  'DELETE /api/v1/user/me': 0.01,
  'POST /api/v1/client-events': 0.03,
  'GET /api/v1/health': 0.01,
  'GET /api/v1/openapi.json': 0.01,
};
export const ADMIN_ROUTE_THROTTLE: RouteThrottle = { rateLimit: 10, burstLimit: 20 };
/** The one route that may use the whole stage rate. */
export const ANSWER_ROUTE_KEY = 'POST /api/v1/response';

export function routeThrottle(routeKey: string, auth: 'public' | 'user' | 'admin', stageRate: number): RouteThrottle | undefined {
  if (routeKey === ANSWER_ROUTE_KEY) return undefined;
  if (auth === 'admin') return ADMIN_ROUTE_THROTTLE;
  const share = PLAYER_ROUTE_SHARES[routeKey];
  if (share === undefined) return undefined;
  const rateLimit = Math.max(1, Math.floor(stageRate * share));
  return { rateLimit, burstLimit: Math.max(10, Math.floor(rateLimit / 2)) };
}

/**
 * Reserved concurrency: a floor that no other function can take away (a flood of reads cannot leave the answers
 * consumer or the runner without instances) and a ceiling on what they can take from the rest.
 *  - recordAnswers (the answers consumer): 100,000 answers/s at the design point, in batches of 100 (lib/wiring.ts), a
 *    batch takes ~100 ms (100 conditional PutItems in parallel, a few ms each plus the Lambda overhead), so one instance
 *    stores ~1,000 answers/s and 100 instances keep up; 200 doubles that for retries and slow batches. The event source's
 *    maximum concurrency is set to the same number, so SQS never invokes into a throttle (a throttled batch would wait for
 *    its visibility timeout, 60 s, far longer than the time between close and results).
 *  - episodeRunner: one short invocation per tick of a live episode (a few per question) plus the minute sweep; ten
 *    concurrent shows with bursts of ticks need a handful. 10 is a floor that a saturated account still leaves it.
 * Together 210 of the default 1,000 (the rest stays unreserved for the API and the stream consumers; raise the account
 * limit for prod, docs/SCALING.md). On by default in prod only: a new account's concurrency limit can be as low as 10,
 * and Lambda refuses a reservation that leaves fewer than 100 unreserved. Context `reservedConcurrency=true|false`.
 */
export const RESERVED_CONCURRENCY = { recordAnswers: 200, episodeRunner: 10 } as const;

export function reservedConcurrency(context: ContextReader, prod: boolean): typeof RESERVED_CONCURRENCY | undefined {
  return (contextFlag(context, 'reservedConcurrency') ?? prod) ? RESERVED_CONCURRENCY : undefined;
}

/**
 * WAF rate-based rules, per client IP, over WAF_RATE_WINDOW_SECONDS. A player answers once per question, and a
 * question lasts at least answer window + reveal (≥ 10 s by default): 6 answers a minute per player. Behind carrier-grade
 * NAT or a venue's Wi-Fi many players share one IP, so the limits allow ~50 players per IP:
 *  - answers (POST /api/v1/response): 50 players × 6 = 300 a minute;
 *  - everything else through CloudFront: a player's app makes a handful of calls per question (episode, statistics,
 *    me) plus joins and reconnects: ~20 a minute each, 50 players → 1,000 a minute;
 *  - sign-in (Cognito, its own regional web ACL): a person signs in a few times a day; 50 people behind one IP signing
 *    in twice within the window → 100 a minute, far below what a credential-stuffing run needs.
 * The minimum WAF allows is 10 per window.
 */
export const WAF_RATE_WINDOW_SECONDS = 60;
export const WAF_RATE_LIMITS = { answers: 300, api: 1_000, signIn: 100 } as const;
