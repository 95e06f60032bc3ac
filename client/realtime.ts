/**
 * A small AWS AppSync Events client (the real-time WebSocket protocol), for Node and browsers alike: it uses the
 * global `WebSocket` unless one is passed (in Node 20, pass `ws`'s). One connection, several subscriptions, `ka`
 * watched against the ack's `connectionTimeoutMs`. It does not reconnect: a dead connection is reported through
 * `onClose`, and the caller (TriviaClient.watch) decides when and how to connect again.
 *
 *   const live = await connectRealtime({ realtimeUrl, httpUrl, token: () => auth.idToken() });
 *   const sub = await live.subscribe('/episodes/e1', (event) => …);
 *   …; await sub.unsubscribe(); live.close();
 */

export const REALTIME_SUBPROTOCOL = 'aws-appsync-event-ws';

/** What we need of a WebSocket: the browser's interface, which `ws` also implements. */
export interface RealtimeSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: { data?: unknown; code?: number; reason?: string }) => void): void;
}
export type RealtimeSocketConstructor = new (url: string, protocols: string[]) => RealtimeSocket;

export interface RealtimeOptions {
  /** EventApiRealtimeEndpoint: `wss://…/event/realtime`. */
  realtimeUrl: string;
  /** EventApiHttpEndpoint: `https://…/event` (its host goes into every authorization, as AWS requires). */
  httpUrl: string;
  /** A user-pool token (asked for on connect and on every subscribe, so a refreshed one is used). */
  token: () => Promise<string>;
  WebSocket?: RealtimeSocketConstructor;
  /** How long to wait for `connection_ack` and for each `subscribe_success` (default 15 s, like Amplify). */
  timeoutMs?: number;
}

export interface RealtimeSubscription {
  readonly channel: string;
  unsubscribe(): Promise<void>;
}

/** Why a connection ended by itself: `keepalive` (no `ka` within connectionTimeoutMs) or `closed` (the socket closed). */
export class RealtimeClosedError extends Error {
  constructor(
    readonly reason: 'keepalive' | 'closed',
    readonly code?: number,
  ) {
    super(reason === 'keepalive' ? 'the live connection missed its keep-alives' : `the live connection closed${code ? ` (${code})` : ''}`);
    this.name = 'RealtimeClosedError';
  }
}

export interface RealtimeConnection {
  /** From the ack: how long a connection may go without `ka`. */
  readonly connectionTimeoutMs: number;
  subscribe(channel: string, onEvent: (data: unknown) => void): Promise<RealtimeSubscription>;
  /** Called once when the connection ends: with the reason when it ended by itself, without one after close(). */
  onClose(cb: (reason?: RealtimeClosedError) => void): void;
  close(): void;
}

/** A refusal by the Event API, with AWS's error type (`UnauthorizedException`, `BadRequestException`, …). */
export class RealtimeError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(`${errorType}: ${message}`);
    this.name = 'RealtimeError';
  }
}

const OPEN = 1;

function base64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const firstError = (msg: Record<string, unknown>) => {
  const e = (msg.errors as { errorType?: string; message?: string }[] | undefined)?.[0];
  return new RealtimeError(e?.errorType ?? 'UnknownError', e?.message ?? JSON.stringify(msg));
};

interface Pending {
  resolve: (msg: Record<string, unknown>) => void;
  reject: (err: Error) => void;
}

export async function connectRealtime(options: RealtimeOptions): Promise<RealtimeConnection> {
  const Socket = options.WebSocket ?? (globalThis as { WebSocket?: RealtimeSocketConstructor }).WebSocket;
  if (!Socket) throw new Error('no WebSocket implementation: pass one (in Node 20: the ws package)');
  const timeoutMs = options.timeoutMs ?? 15_000;
  const host = new URL(options.httpUrl).host;
  const authorization = async () => ({ Authorization: await options.token(), host });

  const socket = new Socket(options.realtimeUrl, [REALTIME_SUBPROTOCOL, `header-${base64Url(JSON.stringify(await authorization()))}`]);
  const pending = new Map<string, Pending>();
  const handlers = new Map<string, (data: unknown) => void>();
  const closeListeners: ((reason?: RealtimeClosedError) => void)[] = [];
  let closed: { reason?: RealtimeClosedError } | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let connectionTimeoutMs = 0;
  let ack: Pending | undefined;

  const finish = (reason?: RealtimeClosedError) => {
    if (closed) return;
    closed = { reason };
    clearTimeout(watchdog);
    const err = reason ?? new Error('the live connection was closed by its client');
    ack?.reject(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    handlers.clear();
    for (const cb of closeListeners) cb(reason);
  };
  const armWatchdog = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      finish(new RealtimeClosedError('keepalive'));
      socket.close(1000, 'keep-alive timeout');
    }, connectionTimeoutMs);
  };

  socket.addEventListener('message', (event) => {
    if (typeof event.data !== 'string') return;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(event.data) as Record<string, unknown>;
    } catch {
      return;
    }
    const id = typeof msg.id === 'string' ? msg.id : undefined;
    switch (msg.type) {
      case 'ka':
        if (connectionTimeoutMs) armWatchdog();
        return;
      case 'data': {
        const handler = id ? handlers.get(id) : undefined;
        if (!handler || typeof msg.event !== 'string') return;
        let data: unknown;
        try {
          data = JSON.parse(msg.event);
        } catch {
          return;
        }
        handler(data);
        return;
      }
      case 'connection_ack':
        return ack?.resolve(msg);
      case 'connection_error':
        return ack?.reject(firstError(msg));
      case 'subscribe_success':
      case 'unsubscribe_success':
        if (id) pending.get(id)?.resolve(msg);
        return;
      case 'subscribe_error':
      case 'unsubscribe_error':
      case 'error':
        if (id) pending.get(id)?.reject(firstError(msg));
        return;
    }
  });
  socket.addEventListener('close', (event) => finish(new RealtimeClosedError('closed', event.code)));

  const withTimeout = <T>(p: Promise<T>, what: string, onTimeout?: () => void) =>
    new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        onTimeout?.();
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      p.then(resolve, reject).finally(() => clearTimeout(t));
    });

  const acked = new Promise<Record<string, unknown>>((resolve, reject) => (ack = { resolve, reject }));
  socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
  try {
    const msg = await withTimeout(acked, 'connection_ack');
    ack = undefined;
    connectionTimeoutMs = Number(msg.connectionTimeoutMs) || 300_000;
    armWatchdog();
  } catch (err) {
    ack = undefined;
    socket.close();
    finish();
    throw err;
  }

  const request = (id: string, message: object, what: string) => {
    if (closed || socket.readyState !== OPEN) return Promise.reject(new Error('the live connection is closed'));
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => pending.set(id, { resolve, reject }));
    socket.send(JSON.stringify(message));
    return withTimeout(reply, what, () => pending.delete(id)).finally(() => pending.delete(id));
  };

  return {
    get connectionTimeoutMs() {
      return connectionTimeoutMs;
    },
    async subscribe(channel, onEvent) {
      const id = crypto.randomUUID();
      handlers.set(id, onEvent);
      try {
        await request(id, { type: 'subscribe', id, channel, authorization: await authorization() }, 'subscribe_success');
      } catch (err) {
        handlers.delete(id);
        throw err;
      }
      let done = false;
      return {
        channel,
        async unsubscribe() {
          if (done) return;
          done = true;
          handlers.delete(id);
          if (closed) return;
          await request(id, { type: 'unsubscribe', id }, 'unsubscribe_success');
        },
      };
    },
    onClose(cb) {
      if (closed) cb(closed.reason);
      else closeListeners.push(cb);
    },
    close() {
      finish();
      socket.close(1000);
    },
  };
}
