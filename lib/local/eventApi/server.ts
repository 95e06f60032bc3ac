/**
 * AWS AppSync Events (an Event API), locally: the real-time WebSocket protocol at `/event/realtime` and HTTP
 * publishing at `POST /event`, with AWS's messages and errors, so that a stock client (Amplify's `events`, or one
 * written from AWS's protocol page) works against it unchanged.
 *
 * - Connect: subprotocols `aws-appsync-event-ws` and `header-<base64url JSON {host, Authorization}>`; `connection_init`
 *   → `connection_ack {connectionTimeoutMs}` or `connection_error`; then `ka` every keepAliveMs.
 * - `subscribe {id, channel, authorization}` → `subscribe_success` / `subscribe_error`; events arrive as
 *   `data {id, event}` with `event` the published JSON string; `unsubscribe` → `unsubscribe_success`.
 * - Authorization: connecting and subscribing take a Cognito user-pool token, checked by the REST API's own JWT
 *   authorizer (lib/local/authorizer.ts); publishing (HTTP, or `publish` on the socket) is IAM only: a SigV4 signature
 *   made with the local stack's credentials (./sigv4.ts).
 *
 * Fan-out serializes each published event once: every subscription keeps its `data` frame's prefix, encoded, so
 * delivering to N subscribers is N corked writes of ready bytes (./frames.ts), not N JSON encodings.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { JwtAuthorizer } from '../authorizer.ts';
import { errorFields, silentLog, type LocalLog } from '../log.ts';
import { LOCAL_HOST, isAddressInUse, portInUse } from '../ports.ts';
import { readRequestBody, RequestTooLarge } from '../requestBody.ts';
import { checkChannel, wildcardPrefixes } from './channels.ts';
import { fanOut } from './frames.ts';
import { isSigV4, verifySigV4, type IamCredentials, type SignedRequest } from './sigv4.ts';

export const SUBPROTOCOL = 'aws-appsync-event-ws';
export const HTTP_PATH = '/event';
export const REALTIME_PATH = '/event/realtime';
/** AppSync Events' limits: events per publish, bytes per event. */
export const MAX_EVENTS_PER_PUBLISH = 5;
export const MAX_EVENT_BYTES = 240 * 1024;
/** A publish request's body: five of the largest events and room for the rest of the JSON. */
export const MAX_BODY_BYTES = MAX_EVENTS_PER_PUBLISH * MAX_EVENT_BYTES + 64 * 1024;
const NOT_AUTHORIZED = 'You are not authorized to make this call.';
const MAX_VERIFIED_TOKENS = 100_000;

export interface EventApiOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** The channel namespaces that exist (lib/wiring.ts `namespaces`). */
  namespaces: readonly string[];
  /** Connect and subscribe: the user pool's tokens, checked like the REST API checks them. */
  authorizer: JwtAuthorizer;
  /** Publish: IAM, signed with these. */
  credentials: IamCredentials;
  region: string;
  /** How often `ka` is sent (AWS: about a minute). */
  keepAliveMs?: number;
  /** `connectionTimeoutMs` of the ack: how long a client waits for `ka` before it gives the connection up (AWS: 300000). */
  connectionTimeoutMs?: number;
  log?: LocalLog;
}

export interface EventApiStats {
  connections: number;
  subscriptions: number;
  /** Events accepted for publishing. */
  published: number;
  /** `data` frames sent (events × matching subscriptions). */
  delivered: number;
}

export interface EventApiServer {
  port: number;
  /** `http://127.0.0.1:PORT/event` (the output EventApiHttpEndpoint). */
  httpEndpoint: string;
  /** `ws://127.0.0.1:PORT/event/realtime` (the output EventApiRealtimeEndpoint). */
  realtimeEndpoint: string;
  namespaces: readonly string[];
  stats(): EventApiStats;
  stop(): Promise<void>;
}

interface Subscription {
  id: string;
  connection: Connection;
  key: string;
  wildcard: boolean;
  /** `{"type":"data","id":"<id>","event":`, encoded: the part of a data frame that is this subscription's own. */
  framePrefix: Buffer;
}

interface Connection {
  socket: WebSocket;
  /** The connection's own authorization (the `header-` subprotocol), checked once. */
  authorized: Promise<boolean>;
  acked: boolean;
  subscriptions: Map<string, Subscription>;
  /** Messages are handled one after another, in order (a subscribe's token check must not let a later unsubscribe pass it). */
  queue: Promise<void>;
}

type AwsError = { errorType: string; message: string };
const errors = (errorType: string, message: string) => ({ errors: [{ errorType, message }] as AwsError[] });

/** The `header-…` subprotocol's JSON: `{host, Authorization}` (base64url, unpadded). */
export function decodeHeaderProtocol(protocols: Iterable<string>): Record<string, string> | undefined {
  for (const p of protocols) {
    if (!p.startsWith('header-')) continue;
    try {
      const value: unknown = JSON.parse(Buffer.from(p.slice('header-'.length), 'base64url').toString('utf8'));
      return value && typeof value === 'object' ? (value as Record<string, string>) : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export async function startEventApi(options: EventApiOptions): Promise<EventApiServer> {
  const log = options.log ?? silentLog;
  const host = options.host ?? LOCAL_HOST;
  const keepAliveMs = options.keepAliveMs ?? 60_000;
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 300_000;
  const namespaces = [...options.namespaces];

  const connections = new Set<Connection>();
  /** Exact channel → subscriptions; wildcard prefix (`/episodes` for `/episodes/*`) → subscriptions. */
  const exact = new Map<string, Set<Subscription>>();
  const wildcards = new Map<string, Set<Subscription>>();
  const counters = { published: 0, delivered: 0 };

  /*
   * Test hooks, like the DynamoDB proxy's (lib/local/dynamoProxy.ts), never in AWS: `POST /__faults`
   * `{"failPublishesFrom": "<function id>", "count": N}` makes that function's next N publishes fail with a 500 (as if it
   * crashed right after its commit); `DELETE /__faults` clears them and says how many were used. `GET /__published` lists
   * every accepted publish, `{function, events: [{episode_id, seq, type}]}` in arrival order (the function from the
   * publisher's `x-trivia-function` header), so tests can tell the runner's fast path from the stream relay, with when
   * (epoch ms) the request arrived, its signature and events were checked, and its fan-out was written, so the live
   * benchmark (bench/live.ts) can tell where push lag goes.
   */
  let faults: { from: string; left: number; used: number } | undefined;
  const publishLog: { function: string; received_at: number; checked_at: number; sent_at: number; events: { episode_id?: unknown; seq?: unknown; type?: unknown }[] }[] = [];
  const publisherOf = (req: IncomingMessage) => String(req.headers['x-trivia-function'] ?? 'unknown');

  /**
   * Tokens that verified, with their expiry (ms): a player connects and then subscribes with the same token, and the
   * RS256 check is most of what a connection costs. A verified token stays valid until it expires (AppSync does not
   * look up revocations either), so the answer is the authorizer's.
   */
  const verified = new Map<string, number>();
  const tokenOk = async (authorization: unknown): Promise<boolean> => {
    if (typeof authorization !== 'string' || authorization === '' || isSigV4(authorization)) return false;
    const expiresAt = verified.get(authorization);
    if (expiresAt !== undefined && expiresAt > Date.now()) return true;
    const result = await options.authorizer(authorization);
    if (!result.ok) {
      verified.delete(authorization);
      return false;
    }
    if (verified.size >= MAX_VERIFIED_TOKENS) verified.clear();
    verified.set(authorization, Number(result.claims.exp) * 1000);
    return true;
  };

  /* ---------------------------------------------------------------- fan-out */

  function deliver(path: string, events: string[]) {
    const targets: Set<Subscription>[] = [];
    const direct = exact.get(path);
    if (direct) targets.push(direct);
    for (const prefix of wildcardPrefixes(path)) {
      const w = wildcards.get(prefix);
      if (w) targets.push(w);
    }
    for (const event of events) {
      // The one encoding of this event; every subscriber's frame is its own prefix plus this.
      const send = fanOut(Buffer.from(`${JSON.stringify(event)}}`));
      for (const set of targets) {
        for (const sub of set) if (send(sub.connection.socket, sub.framePrefix)) counters.delivered++;
      }
    }
    counters.published += events.length;
    return events.map((_, index) => ({ identifier: randomUUID(), index }));
  }

  /** Validates a publish's events; returns the AWS error for the whole request, if any. */
  function checkEvents(events: unknown): AwsError | undefined {
    if (!Array.isArray(events) || events.length === 0) return { errorType: 'BadRequestException', message: 'events must be a non-empty list of JSON strings' };
    if (events.length > MAX_EVENTS_PER_PUBLISH) return { errorType: 'BadRequestException', message: `At most ${MAX_EVENTS_PER_PUBLISH} events can be published at once` };
    for (const e of events) {
      if (typeof e !== 'string') return { errorType: 'BadRequestException', message: 'Each event must be a string of valid JSON' };
      if (Buffer.byteLength(e) > MAX_EVENT_BYTES) return { errorType: 'BadRequestException', message: `An event is larger than ${MAX_EVENT_BYTES} bytes` };
      try {
        JSON.parse(e);
      } catch {
        return { errorType: 'BadRequestException', message: 'Each event must be a string of valid JSON' };
      }
    }
    return undefined;
  }

  /* ---------------------------------------------------------------- HTTP publish */

  const cors = (req: IncomingMessage): Record<string, string> => ({
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'x-amzn-RequestId,x-amzn-ErrorType,Date',
    ...(req.method === 'OPTIONS'
      ? {
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers': String(req.headers['access-control-request-headers'] ?? 'authorization,content-type,x-amz-date,x-amz-security-token,x-amz-content-sha256,x-amz-user-agent'),
          'access-control-max-age': '86400',
        }
      : {}),
  });

  function reply(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, errorType?: string) {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      ...cors(req),
    });
    res.end(text);
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse) {
    const receivedAt = Date.now();
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/__faults') return handleFaults(req, res);
    if (path === '/__published' && req.method === 'GET') return reply(req, res, 200, publishLog);
    if (path !== HTTP_PATH) return reply(req, res, 404, errors('NotFoundException', 'Not found'), 'NotFoundException');
    if (req.method === 'OPTIONS') {
      res.writeHead(200, cors(req));
      return res.end();
    }
    if (req.method !== 'POST') return reply(req, res, 405, errors('BadRequestException', 'Only POST publishes'), 'BadRequestException');
    let body: string;
    try {
      body = (await readRequestBody(req, MAX_BODY_BYTES)).toString('utf8');
    } catch (err) {
      if (!(err instanceof RequestTooLarge)) throw err;
      res.setHeader('connection', 'close');
      return reply(req, res, 413, errors('PayloadTooLargeException', 'The request is too large'), 'PayloadTooLargeException');
    }

    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    // The namespace publishes with IAM only: no signature (nothing, an API key, a user-pool token) is not authorized.
    if (!isSigV4(authorization)) return reply(req, res, 401, errors('UnauthorizedException', NOT_AUTHORIZED), 'UnauthorizedException');
    const signed: SignedRequest = { method: req.method, url: req.url ?? '/', headers: req.headers, body };
    const iam = await verifySigV4(signed, { credentials: options.credentials, region: options.region, service: 'appsync' });
    if (!iam.ok) return reply(req, res, iam.status, errors(iam.errorType, iam.message), iam.errorType);

    let parsed: { channel?: unknown; events?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return reply(req, res, 400, errors('BadRequestException', 'The request body is not valid JSON'), 'BadRequestException');
    }
    const channel = checkChannel(parsed?.channel, 'publish', namespaces);
    if (!channel.ok) return reply(req, res, 400, errors(channel.errorType, channel.message), channel.errorType);
    const bad = checkEvents(parsed.events);
    if (bad) return reply(req, res, 400, { errors: [bad] }, bad.errorType);
    const publisher = publisherOf(req);
    if (faults && faults.left > 0 && publisher.endsWith(faults.from)) {
      faults.left--;
      faults.used++;
      return reply(req, res, 500, errors('InternalFailureException', 'injected fault'), 'InternalFailureException');
    }
    const checkedAt = Date.now();
    const successful = deliver(channel.path, parsed.events as string[]);
    publishLog.push({
      function: publisher,
      received_at: receivedAt,
      checked_at: checkedAt,
      sent_at: Date.now(),
      events: (parsed.events as string[]).map((e) => {
        const { episode_id, seq, type } = JSON.parse(e) as Record<string, unknown>;
        return { episode_id, seq, type };
      }),
    });
    return reply(req, res, 200, { failed: [], successful });
  }

  async function handleFaults(req: IncomingMessage, res: ServerResponse) {
    if (req.method === 'DELETE') {
      const used = faults?.used ?? 0;
      faults = undefined;
      return reply(req, res, 200, { used });
    }
    if (req.method !== 'POST') return reply(req, res, 405, errors('BadRequestException', 'POST or DELETE'), 'BadRequestException');
    const plan = (await readRequestBody(req, MAX_BODY_BYTES)
      .then((body) => JSON.parse(body.toString('utf8')) as unknown)
      .catch(() => undefined)) as { failPublishesFrom?: unknown; count?: unknown } | undefined;
    if (typeof plan?.failPublishesFrom !== 'string' || !Number.isInteger(plan.count)) {
      return reply(req, res, 400, errors('BadRequestException', '{"failPublishesFrom": "<function id>", "count": N}'), 'BadRequestException');
    }
    faults = { from: plan.failPublishesFrom, left: plan.count as number, used: 0 };
    return reply(req, res, 200, { ok: true });
  }

  /* ---------------------------------------------------------------- WebSocket */

  const wss = new WebSocketServer({
    noServer: true,
    // ws's default for a server, said here because fan-out writes its own frames (./frames.ts): they are never compressed.
    perMessageDeflate: false,
    maxPayload: MAX_BODY_BYTES,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  const send = (c: Connection, message: object) => {
    if (c.socket.readyState === WebSocket.OPEN) c.socket.send(JSON.stringify(message));
  };

  function removeSubscription(sub: Subscription) {
    const index = sub.wildcard ? wildcards : exact;
    const set = index.get(sub.key);
    set?.delete(sub);
    if (set && set.size === 0) index.delete(sub.key);
    sub.connection.subscriptions.delete(sub.id);
  }

  async function subscribe(c: Connection, msg: Record<string, unknown>) {
    const id = msg.id;
    if (typeof id !== 'string' || id === '') return send(c, { type: 'subscribe_error', ...errors('BadRequestException', 'A subscription needs an id') });
    const fail = (errorType: string, message: string) => send(c, { type: 'subscribe_error', id, ...errors(errorType, message) });
    const auth = msg.authorization as Record<string, unknown> | undefined;
    if (!(await tokenOk(auth?.Authorization ?? auth?.authorization))) return fail('UnauthorizedException', NOT_AUTHORIZED);
    const channel = checkChannel(msg.channel, 'subscribe', namespaces);
    if (!channel.ok) return fail(channel.errorType, channel.message);
    if (c.subscriptions.has(id)) return fail('BadRequestException', `Subscription id ${id} is already in use on this connection`);
    if (c.socket.readyState !== WebSocket.OPEN) return;
    const sub: Subscription = { id, connection: c, key: channel.path, wildcard: channel.wildcard, framePrefix: Buffer.from(`{"type":"data","id":${JSON.stringify(id)},"event":`) };
    const index = channel.wildcard ? wildcards : exact;
    let set = index.get(sub.key);
    if (!set) index.set(sub.key, (set = new Set()));
    set.add(sub);
    c.subscriptions.set(id, sub);
    send(c, { type: 'subscribe_success', id });
  }

  async function publishOnSocket(c: Connection, msg: Record<string, unknown>) {
    const id = msg.id;
    const fail = (errorType: string, message: string) => send(c, { type: 'publish_error', id, ...errors(errorType, message) });
    const auth = (msg.authorization ?? {}) as Record<string, string>;
    if (!isSigV4(auth.Authorization ?? auth.authorization)) return fail('UnauthorizedException', NOT_AUTHORIZED);
    // What a signing client signs for a socket publish (Amplify): POST to the HTTP endpoint with body {channel, events}.
    const headers = Object.fromEntries(Object.entries(auth).map(([k, v]) => [k.toLowerCase(), String(v)]));
    const body = JSON.stringify({ channel: msg.channel, events: msg.events });
    const iam = await verifySigV4({ method: 'POST', url: HTTP_PATH, headers, body }, { credentials: options.credentials, region: options.region, service: 'appsync' });
    if (!iam.ok) return fail(iam.errorType, iam.message);
    const channel = checkChannel(msg.channel, 'publish', namespaces);
    if (!channel.ok) return fail(channel.errorType, channel.message);
    const bad = checkEvents(msg.events);
    if (bad) return fail(bad.errorType, bad.message);
    send(c, { type: 'publish_success', id, successful: deliver(channel.path, msg.events as string[]), failed: [] });
  }

  async function onMessage(c: Connection, data: RawData) {
    let msg: Record<string, unknown>;
    try {
      const value: unknown = JSON.parse(data.toString());
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      msg = value as Record<string, unknown>;
    } catch {
      return send(c, { type: 'error', ...errors('BadRequestException', 'Messages are JSON objects with a type') });
    }
    if (!(await c.authorized)) {
      // AWS answers an unauthorized connection with connection_error and closes it.
      send(c, { type: 'connection_error', ...errors('UnauthorizedException', NOT_AUTHORIZED) });
      c.socket.close(1008, 'Unauthorized');
      return;
    }
    switch (msg.type) {
      case 'connection_init':
        c.acked = true;
        return send(c, { type: 'connection_ack', connectionTimeoutMs });
      case 'subscribe':
        return subscribe(c, msg);
      case 'unsubscribe': {
        const sub = typeof msg.id === 'string' ? c.subscriptions.get(msg.id) : undefined;
        if (!sub) return send(c, { type: 'unsubscribe_error', id: msg.id, ...errors('UnknownOperationError', `Unknown operation id ${String(msg.id)}`) });
        removeSubscription(sub);
        return send(c, { type: 'unsubscribe_success', id: sub.id });
      }
      case 'publish':
        return publishOnSocket(c, msg);
      default:
        return send(c, { type: 'error', id: msg.id, ...errors('UnsupportedOperation', `Operation ${String(msg.type)} is not supported`) });
    }
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const path = (req.url ?? '/').split('?')[0];
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    if (path !== REALTIME_PATH || !offered.includes(SUBPROTOCOL)) {
      socket.end(`HTTP/1.1 ${path === REALTIME_PATH ? '400 Bad Request' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const header = decodeHeaderProtocol(offered);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const authorized = tokenOk(header?.Authorization ?? header?.authorization);
      const c: Connection = { socket: ws, authorized, acked: false, subscriptions: new Map(), queue: Promise.resolve() };
      connections.add(c);
      ws.on('message', (data) => {
        c.queue = c.queue.then(() => onMessage(c, data)).catch((err: unknown) => log.warn('event API: a message failed', errorFields(err)));
      });
      ws.on('close', () => {
        connections.delete(c);
        for (const sub of [...c.subscriptions.values()]) removeSubscription(sub);
      });
      ws.on('error', () => ws.terminate());
    });
  }

  const ka = JSON.stringify({ type: 'ka' });
  const keepAlive = setInterval(() => {
    for (const c of connections) if (c.acked && c.socket.readyState === WebSocket.OPEN) c.socket.send(ka);
  }, keepAliveMs);
  keepAlive.unref();

  const server: Server = createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      log.error('event API: a publish failed', errorFields(err));
      if (!res.headersSent) reply(req, res, 500, errors('InternalFailureException', 'An internal error occurred'), 'InternalFailureException');
    });
  });
  server.on('upgrade', onUpgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(isAddressInUse(err) ? portInUse(options.port ?? 0, 'the Event API', 'set EVENTS_PORT to a free port') : err));
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  log.info('event API is up', { httpEndpoint: `http://${host}:${port}${HTTP_PATH}` });

  return {
    port,
    httpEndpoint: `http://${host}:${port}${HTTP_PATH}`,
    realtimeEndpoint: `ws://${host}:${port}${REALTIME_PATH}`,
    namespaces,
    stats: () => ({
      connections: connections.size,
      subscriptions: [...exact.values(), ...wildcards.values()].reduce((n, s) => n + s.size, 0),
      ...counters,
    }),
    stop: async () => {
      clearInterval(keepAlive);
      for (const c of connections) c.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
