/**
 * Following an episode live: the public snapshot first, then the episode's AppSync Events channel, every item in
 * `seq` order, each exactly once.
 *
 * - Events that arrive twice (the runner and the stream relay may both publish one) are dropped by `seq`.
 * - A gap (a `seq` skipped) that does not fill within `gapWaitMs` is filled from the snapshot, which then stands in
 *   for the events missed (it carries the episode as of its `seq`).
 * - A dropped connection is retried with full-jitter backoff; on each reconnect the snapshot fills whatever was missed.
 * - Without a channel (no realtime endpoint, or it keeps failing) the snapshot is polled instead, and the status says
 *   so (`polling`), so that a user can see it.
 * The iteration ends after the episode ends or is cancelled, or when `signal` aborts.
 */
import type { LiveEventOut, LiveSnapshotOut } from '../lambda/domain/contract.ts';
import { backoffMs, type RetryPolicy } from './retry.ts';

export type WatchStatus = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'ended';

/** What `watch` yields: a live event, or a snapshot that stands in for whatever came before its `seq`. */
export type WatchItem = LiveEventOut | ({ type: 'snapshot'; episode_id: string; server_time: number } & LiveSnapshotOut);

/** The channel as `watch` needs it (client/realtime.ts provides it over the AppSync Events protocol). */
export interface LiveConnection {
  subscribe(channel: string, onEvent: (data: unknown) => void): Promise<{ unsubscribe(): Promise<void> }>;
  onClose(callback: (reason?: Error) => void): void;
  close(): void;
}

export interface WatchSource {
  /** `GET /api/v1/live/{id}`. */
  snapshot(episodeId: string): Promise<LiveSnapshotOut>;
  /** Opens the channel connection; undefined when this client has no realtime endpoint. */
  connect?: () => Promise<LiveConnection>;
}

export interface WatchOptions {
  signal?: AbortSignal;
  onStatus?: (status: WatchStatus, detail?: string) => void;
  /** How long a `seq` gap may stay open before the snapshot fills it (default 500 ms). */
  gapWaitMs?: number;
  /** Snapshot polling period without a channel (default 1000 ms). */
  pollIntervalMs?: number;
  /** Reconnect backoff (default: 250 ms base, 10 s cap); after `attempts` failures in a row, poll and retry later. */
  reconnect?: Partial<RetryPolicy>;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const TERMINAL = new Set(['ENDED', 'CANCELLED']);
const DEFAULT_RECONNECT: RetryPolicy = { attempts: 6, baseMs: 250, capMs: 10_000 };

export const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export const liveChannelOf = (episodeId: string) => `/episodes/${episodeId}`;

/** A one-consumer queue that the channel callbacks push into and the generator awaits. */
class Inbox<T> {
  private items: T[] = [];
  private waiter?: () => void;
  push(item: T) {
    this.items.push(item);
    this.waiter?.();
  }
  shift(): T | undefined {
    return this.items.shift();
  }
  /** Resolves when an item is there, or after `ms`. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.items.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiter = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

type Signal = { kind: 'event'; event: LiveEventOut } | { kind: 'closed'; reason?: Error };

function isLiveEvent(x: unknown, episodeId: string): x is LiveEventOut {
  const e = x as Partial<LiveEventOut> | undefined;
  return !!e && typeof e.type === 'string' && e.episode_id === episodeId && Number.isInteger(e.seq) && typeof e.episode === 'object';
}

export async function* watchEpisode(episodeId: string, source: WatchSource, opts: WatchOptions = {}): AsyncGenerator<WatchItem> {
  const { signal } = opts;
  const status = opts.onStatus ?? (() => undefined);
  const sleep = opts.sleep ?? abortableSleep;
  const gapWaitMs = opts.gapWaitMs ?? 500;
  const pollMs = opts.pollIntervalMs ?? 1000;
  const reconnect = { ...DEFAULT_RECONNECT, ...opts.reconnect };
  const random = opts.random ?? Math.random;

  let lastSeq = -1;
  let over = false;
  const pending = new Map<number, LiveEventOut>();

  function* release(item: WatchItem): Generator<WatchItem> {
    lastSeq = item.seq;
    if (TERMINAL.has(item.episode.state)) over = true;
    yield item;
  }
  /** The snapshot, when it is ahead of what was yielded; then whatever pending events follow it. */
  async function* catchUp(): AsyncGenerator<WatchItem> {
    const snap = await source.snapshot(episodeId);
    if (snap.seq > lastSeq) yield* release({ type: 'snapshot', episode_id: episodeId, server_time: snap.episode.server_time, ...snap });
    yield* drain();
  }
  function* drain(): Generator<WatchItem> {
    for (const seq of [...pending.keys()].sort((a, b) => a - b)) {
      const event = pending.get(seq)!;
      pending.delete(seq);
      if (seq <= lastSeq) continue;
      if (seq !== lastSeq + 1) {
        pending.set(seq, event);
        return;
      }
      yield* release(event);
    }
  }

  let failures = 0;
  while (!over && !signal?.aborted) {
    let connection: LiveConnection | undefined;
    const inbox = new Inbox<Signal>();
    if (source.connect && failures < reconnect.attempts) {
      status(failures === 0 && lastSeq < 0 ? 'connecting' : 'reconnecting');
      try {
        connection = await source.connect();
        connection.onClose((reason) => inbox.push({ kind: 'closed', ...(reason ? { reason } : {}) }));
        await connection.subscribe(liveChannelOf(episodeId), (data) => {
          const event = typeof data === 'string' ? safeJson(data) : data;
          if (isLiveEvent(event, episodeId)) inbox.push({ kind: 'event', event });
        });
      } catch (err) {
        connection?.close();
        connection = undefined;
        failures++;
        status(failures < reconnect.attempts ? 'reconnecting' : 'polling', (err as Error).message);
        if (failures < reconnect.attempts) {
          await sleep(backoffMs(failures - 1, reconnect, random), signal);
          continue;
        }
      }
    }

    if (!connection) {
      // Polling: the snapshot at a steady pace; now and then the channel is tried again.
      if (!source.connect) status('polling', 'no realtime endpoint');
      const until = Date.now() + (source.connect ? reconnect.capMs * 3 : Infinity);
      while (!over && !signal?.aborted && Date.now() < until) {
        try {
          yield* catchUp();
        } catch (err) {
          status('polling', (err as Error).message);
        }
        if (!over) await sleep(pollMs, signal);
      }
      failures = 0;
      continue;
    }

    // Subscribed: fill from the snapshot whatever came before (or while the connection was down), then follow.
    try {
      yield* catchUp();
      failures = 0;
      status('live');
      let gapSince: number | undefined;
      while (!over && !signal?.aborted) {
        await inbox.wait(gapSince === undefined ? 30_000 : Math.max(0, gapSince + gapWaitMs - Date.now()), signal);
        const signalled = inbox.shift();
        if (signalled?.kind === 'closed') throw signalled.reason ?? new Error('the live channel closed');
        if (signalled?.kind === 'event' && signalled.event.seq > lastSeq) pending.set(signalled.event.seq, signalled.event);
        yield* drain();
        if (pending.size === 0) gapSince = undefined;
        else if (gapSince === undefined) gapSince = Date.now();
        else if (Date.now() - gapSince >= gapWaitMs) {
          yield* catchUp();
          gapSince = pending.size > 0 ? Date.now() : undefined;
        }
      }
    } catch (err) {
      failures++;
      status('reconnecting', (err as Error).message);
      await sleep(backoffMs(failures - 1, reconnect, random), signal);
    } finally {
      connection.close();
    }
  }
  if (over) status('ended');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
