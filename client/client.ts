/**
 * The typed client of API v1: one method per route, every 2xx body parsed with the contract's zod schemas
 * (lambda/domain/contract.ts), bounded retries with exponential backoff and full jitter on 429, 5xx and network
 * errors, one token refresh on 401, the server clock estimated from `server_time`, and idempotent answers.
 */
import type { z } from 'zod';
import * as c from '../lambda/domain/contract.ts';
import * as ops from '../lambda/domain/operations.ts';
import type { TokenSource } from './auth.ts';
import { ServerClock } from './clock.ts';
import { ApiError, ContractError, NetworkError, toApiError } from './errors.ts';
import { DEFAULT_RETRY, backoffMs, isRetryableStatus, retryAfterMs, sleep as realSleep, type RetryPolicy } from './retry.ts';
import { connectRealtime, type RealtimeSocketConstructor } from './realtime.ts';
import { watchEpisode, type LiveConnection, type WatchItem, type WatchOptions } from './watch.ts';

export interface TriviaClientOptions {
  /** The stack's ApiUrl (cdk-outputs.json), without /api/v1. */
  apiUrl: string;
  auth?: TokenSource;
  fetch?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  /** Per attempt (default 10 s). */
  timeoutMs?: number;
  /** Parse 2xx bodies with the contract's schemas (default true). */
  validate?: boolean;
  /** Injected for tests. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /**
   * The live channel (outputs `EventApiRealtimeEndpoint` and `EventApiHttpEndpoint`). Without it, `watch` polls the
   * public snapshot and says so. `connect` replaces the AppSync Events connection (tests).
   */
  realtime?: { realtimeUrl: string; httpUrl: string; WebSocket?: RealtimeSocketConstructor; connect?: () => Promise<LiveConnection> };
  /** Told about every retry (a CLI may log it). */
  onRetry?: (info: { method: string; path: string; attempt: number; delayMs: number; reason: string }) => void;
}

export interface RawResponse {
  status: number;
  body: unknown;
  headers: Headers;
  /** Attempts made, the last included. */
  attempts: number;
  /** An earlier attempt may have reached the server (network error or 5xx): its effect may have happened. */
  ambiguous: boolean;
}

export interface RequestOptions {
  body?: unknown;
  /** Send the token (default true). */
  auth?: boolean;
  query?: Record<string, string | number | undefined>;
}

export interface AnswerResult {
  status: 'accepted';
  /** The server's stamp; absent when the 202 itself was lost and a retry found the answer already held. */
  received_at?: number;
  /** The server already held this answer: an earlier attempt (whose 202 got lost) was accepted. */
  duplicate?: boolean;
}


const API = '/api/v1';
const enc = encodeURIComponent;

export class TriviaClient {
  readonly apiUrl: string;
  readonly clock: ServerClock;
  private readonly fetchFn: typeof fetch;
  private readonly policy: RetryPolicy;
  private readonly accepted = new Set<string>();

  constructor(private readonly opts: TriviaClientOptions) {
    this.apiUrl = opts.apiUrl.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.clock = new ServerClock(opts.now ?? Date.now);
  }

  private now() {
    return (this.opts.now ?? Date.now)();
  }

  /** The server's clock now (estimated from `server_time`; the local clock before the first sample). */
  serverNow(): number {
    return this.clock.serverNow();
  }

  /**
   * One request with retries: 429, 500, 502, 503, 504 and network errors are retried with full-jitter backoff (at least
   * `Retry-After`), up to `attempts` in all; a 401 gets one token refresh and one more try. Any other status is returned.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    const sleep = this.opts.sleep ?? realSleep;
    const random = this.opts.random ?? Math.random;
    const useAuth = options.auth ?? true;
    const query = Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined);
    const url = `${this.apiUrl}${path}${query.length ? `?${new URLSearchParams(query.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : ''}`;
    let refreshed = false;
    let ambiguous = false;
    let attempt = 0;
    for (;;) {
      attempt++;
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (useAuth && this.opts.auth) headers.authorization = `Bearer ${await this.opts.auth.token()}`;
      const sentAt = this.now();
      let res: Response;
      try {
        res = await this.fetchFn(url, {
          method,
          headers,
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        ambiguous = true;
        const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
        const reason = (err as Error)?.name === 'TimeoutError' ? 'timeout' : (cause?.code ?? cause?.message ?? (err as Error)?.message ?? 'network error');
        if (attempt >= this.policy.attempts) {
          throw new NetworkError(`${method} ${url} failed after ${attempt} attempt(s): ${reason}`, url, err);
        }
        const delayMs = backoffMs(attempt - 1, this.policy, random);
        this.opts.onRetry?.({ method, path, attempt, delayMs, reason });
        await sleep(delayMs);
        continue;
      }
      const receivedAt = this.now();
      const text = await res.text();
      let body: unknown = undefined;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const serverTime = (body as { server_time?: unknown } | undefined)?.server_time;
      if (typeof serverTime === 'number' && res.status < 300) this.clock.sample(sentAt, receivedAt, serverTime);

      if (res.status === 401 && useAuth && this.opts.auth && !refreshed) {
        refreshed = true;
        if (await this.opts.auth.refresh()) {
          attempt--; // a refresh is not a failed attempt
          continue;
        }
      }
      if (isRetryableStatus(res.status) && attempt < this.policy.attempts) {
        if (res.status >= 500) ambiguous = true;
        const delayMs = Math.max(backoffMs(attempt - 1, this.policy, random), Math.min(retryAfterMs(res.headers.get('retry-after'), this.now()) ?? 0, this.policy.capMs));
        this.opts.onRetry?.({ method, path, attempt, delayMs, reason: `HTTP ${res.status}` });
        await sleep(delayMs);
        continue;
      }
      return { status: res.status, body, headers: res.headers, attempts: attempt, ambiguous };
    }
  }

  /** A request whose success statuses and body schema are known: other statuses throw ApiError, a bad body ContractError. */
  async call<S extends z.ZodType>(method: string, path: string, schema: S, ok: number[], options: RequestOptions = {}): Promise<z.output<S>> {
    const res = await this.request(method, path, options);
    if (!ok.includes(res.status)) throw toApiError(res.status, res.body, method, path);
    return this.parse(schema, res.body, `${method} ${path}`);
  }

  private parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
    if (this.opts.validate === false) return body as z.output<S>;
    const r = schema.safeParse(body);
    if (!r.success) throw new ContractError(`${what}: the response does not match the contract: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`, r.error.issues, body);
    return r.data;
  }

  /* ---- meta ---- */
  health = () => this.call('GET', `${API}/health`, c.health, [200], { auth: false });
  openapi = () => this.call('GET', `${API}/openapi.json`, c.openapiDocument, [200], { auth: false });

  /* ---- content (admins) ---- */
  createQuestion = (body: c.QuestionInputBody) => this.call('POST', `${API}/question/`, c.question, [200, 201], { body });
  getQuestion = (id: string) => this.call('GET', `${API}/question/${enc(id)}`, c.question, [200]);
  listQuestions = (page: { limit?: number; next?: string } = {}) => this.call('GET', `${API}/question`, c.questionPage, [200], { query: page });
  /** Every question, page by page. */
  async *allQuestions(limit = 100): AsyncGenerator<c.QuestionOut> {
    let next: string | undefined;
    do {
      const page = await this.listQuestions({ limit, ...(next ? { next } : {}) });
      yield* page.items;
      next = page.next;
    } while (next);
  }
  /** A presigned PUT for question media; upload with `fetch(upload_url, { method: 'PUT', headers: upload_headers, body })`. */
  createMediaUpload = (body: c.MediaUploadBody) => this.call('POST', `${API}/media`, c.mediaUpload, [200, 201], { body });
  createGame = (body: c.GameInputBody) => this.call('POST', `${API}/game/`, c.game, [200, 201], { body });
  getGame = (id: string) => this.call('GET', `${API}/game/${enc(id)}`, c.game, [200]);

  /* ---- episodes ---- */
  createEpisode = (body: c.EpisodeInputBody) => this.call('POST', `${API}/episode/`, c.episodeView, [200, 201], { body });
  listEpisodes = () => this.call('GET', `${API}/episode`, c.episodeList, [200]);
  getWinners = (id: string) => this.call('GET', `${API}/episode/${enc(id)}/winners`, c.winners, [200]);
  getEpisode = (id: string) => this.call('GET', `${API}/episode/${enc(id)}`, c.episodeView, [200]);
  cancelEpisode = (id: string) => this.call('POST', `${API}/episode/${enc(id)}/cancel`, c.episodeView, [200]);
  getStatistics = (id: string, index: number) => this.call('GET', `${API}/episode/${enc(id)}/question/${index}/statistics`, c.statistics, [200]);
  getReport = (id: string) => this.call('GET', `${API}/report/episode/${enc(id)}`, c.report, [200]);
  listWinners = (id: string, page: { limit?: number; next?: string } = {}) =>
    this.call('GET', `${API}/report/episode/${enc(id)}/winners`, c.winnerPage, [200], { query: page });

  /* ---- live ---- */
  /** The public snapshot (no token): the episode as of its last event, `seq`, and the statistics while the results show. */
  getLiveSnapshot = (id: string) => this.call('GET', `${API}/live/${enc(id)}`, c.liveSnapshot, [200], { auth: false });
  /** The caller's own standing: registered, still in, eliminated at which question, or a winner. */
  /** A player's own standing; `seq`, the last live event seen, makes sure the answer is not older than that event. */
  getMyStanding = (id: string, seq?: number) => this.call('GET', `${API}/episode/${enc(id)}/me${seq === undefined ? '' : `?seq=${seq}`}`, c.standing, [200]);

  /**
   * Follows an episode live (client/watch.ts): its snapshot, then every event of its channel in `seq` order, until it
   * ends. Reconnects by itself; without a realtime endpoint it polls the snapshot (status `polling`).
   */
  watch(episodeId: string, options: WatchOptions = {}): AsyncGenerator<WatchItem> {
    const realtime = this.opts.realtime;
    const auth = this.opts.auth;
    // Subscribing takes a user-pool token: without one (or without the channel's endpoints) watch polls the snapshot.
    const connect =
      realtime?.connect ??
      (realtime && auth
        ? () =>
            connectRealtime({
              realtimeUrl: realtime.realtimeUrl,
              httpUrl: realtime.httpUrl,
              token: () => auth.token(),
              ...(realtime.WebSocket ? { WebSocket: realtime.WebSocket } : {}),
            })
        : undefined);
    return watchEpisode(episodeId, { snapshot: (id) => this.getLiveSnapshot(id), ...(connect ? { connect } : {}) }, options);
  }

  /** Takes `samples` clock samples from `GET /health` (the best round trip wins); returns the offset, ms. */
  async syncClock(samples = 5): Promise<number> {
    for (let i = 0; i < samples; i++) await this.health();
    return this.clock.offsetMs();
  }

  /* ---- players ---- */
  register = (episodeId: string) => this.call('POST', `${API}/participant/`, c.participant, [200, 201], { body: { episode_id: episodeId } });

  /**
   * Answers the open question, idempotently: retried like any request, and a 409 `duplicate_answer` counts as
   * success when an earlier attempt may have been accepted (its 202 lost to a network error or a 5xx) or when this
   * client already got a 202 for this question.
   */
  async submitAnswer(body: c.ResponseInputBody): Promise<AnswerResult> {
    const key = `${body.episode_id}\u0000${body.question_id}`;
    const path = `${API}/response/`;
    const res = await this.request('POST', path, { body });
    if (res.status === 202) {
      this.accepted.add(key);
      return this.parse(c.accepted, res.body, `POST ${path}`);
    }
    const err = toApiError(res.status, res.body, 'POST', path);
    if (res.status === 409 && err.code === 'duplicate_answer' && (res.ambiguous || this.accepted.has(key))) {
      return { status: 'accepted', duplicate: true };
    }
    throw err;
  }

  getMe = () => this.call('GET', `${API}/user/me`, c.user, [200]);
  updateMe = (body: c.UserUpdateBody) => this.call('PUT', `${API}/user/me`, c.user, [200], { body });
  /** Erases the signed-in player: profile and account (DELETE /api/v1/user/me, 204); game counts stay exact. Idempotent. */
  async deleteMe(): Promise<void> {
    const path = `${API}/user/me`;
    const res = await this.request('DELETE', path);
    if (res.status !== 204) throw toApiError(res.status, res.body, 'DELETE', path);
  }

  /** Live aggregates of the domain events (admins): `window_minutes` 1…1440 (default 60). */
  liveStats = (query: { window_minutes?: number } = {}) => this.call('GET', `${API}/stats/live`, c.liveStats, [200], { query });

  /* ---- client events and growth analytics ---- */
  /** Sends 1–100 events (202 once queued); each is checked by the server afterwards, bad ones land in `errors()`. */
  sendEvents = (events: c.ClientEventInput[]) =>
    // Ids chosen once, before the first attempt: a retried batch is then stored and counted once.
    this.call('POST', `${API}/client-events`, c.clientEventsAccepted, [202], { body: { events: events.map((e) => ({ event_id: globalThis.crypto.randomUUID(), ...e })) } });
  /** Stored client events (admins): by `session_id`, by `category`, or all, in `from`/`to`; follow `next` for more. */
  clientEvents = (query: { session_id?: string; category?: string; from?: string | number; to?: string | number; limit?: number; next?: string } = {}) =>
    this.call('GET', `${API}/client-events`, c.clientEventsPage, [200], { query });
  /** Sign-ups by first- and last-touch campaign (admins); days yyyy-mm-dd. */
  attribution = (query: { from?: string; to?: string } = {}) => this.call('GET', `${API}/growth/attribution`, c.attribution, [200], { query });
  /** The funnel by day (admins); days yyyy-mm-dd. */
  funnel = (query: { from?: string; to?: string } = {}) => this.call('GET', `${API}/growth/funnel`, c.funnel, [200], { query });

  /* ---- operations (admins; a stack without these routes answers 404 `route_not_found`) ---- */
  /** Recorded rejections and dead letters, newest first: `reason`, `episode_id`, `from`/`to` (ms or ISO), `limit`. */
  errors = (query: { reason?: string; episode_id?: string; from?: string | number; to?: string | number; limit?: number } = {}) =>
    this.call('GET', `${API}/errors`, ops.errorsPage, [200], { query });
  dlqStatus = () => this.call('GET', `${API}/dlq`, ops.deadLetterStatus, [200]);
  /** Starts moving a queue's dead letters back to it (an SQS move task; `dlqStatus` shows its progress). */
  redriveDlq = (queue: string) => this.call('POST', `${API}/dlq/${enc(queue)}/redrive`, ops.redriveStarted, [202]);

  /** Polls an episode until `until` holds (or the timeout passes). */
  async waitForEpisode(id: string, until: (e: c.EpisodeViewOut) => boolean, opts: { intervalMs?: number; timeoutMs?: number } = {}): Promise<c.EpisodeViewOut> {
    const deadline = this.now() + (opts.timeoutMs ?? 120_000);
    for (;;) {
      const e = await this.getEpisode(id);
      if (until(e)) return e;
      if (this.now() > deadline) throw new Error(`episode ${id}: timed out waiting (state ${e.state}, question ${e.current_question_index})`);
      await (this.opts.sleep ?? realSleep)(opts.intervalMs ?? 250);
    }
  }
}

export { ApiError, ContractError, NetworkError };
