/**
 * The local Event API against a plain WebSocket client written from AWS's protocol page ("Understanding the Event API
 * WebSocket protocol"), and HTTP publishes signed like lambda/store/liveChannel.ts signs them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkChannel, wildcardPrefixes } from '../../../lib/local/eventApi/channels.ts';
import { MAX_BODY_BYTES, type EventApiServer } from '../../../lib/local/eventApi/server.ts';
import { publishToChannel } from '../../../lambda/store/liveChannel.ts';
import { LOCAL_CREDENTIALS, REGION } from '../../../lib/local/names.ts';
import { ackedClient, event, plainClient, post, signedPublish, startTestEventApi, testPool, type PlainClient, type Pool } from './fixtures/eventApi.ts';

let pool: Pool;
let server: EventApiServer;
const clients: PlainClient[] = [];
const connect = async (token?: string) => {
  const c = await ackedClient(server, token ?? (await pool.token()));
  clients.push(c);
  return c;
};
const subscribe = async (c: PlainClient, id: string, channel: string, token?: string) => {
  c.send({ type: 'subscribe', id, channel, authorization: { Authorization: token ?? (await pool.token()), host: new URL(server.httpEndpoint).host } });
  return c.next((m) => m.id === id);
};

beforeAll(async () => {
  pool = await testPool();
  server = await startTestEventApi(pool, { keepAliveMs: 50, connectionTimeoutMs: 300_000 });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.ws.close();
});
afterAll(() => server.stop());

describe('channel paths', () => {
  it('accepts what AWS accepts and refuses the rest', () => {
    const ns = ['episodes'];
    expect(checkChannel('/episodes/e1', 'publish', ns)).toMatchObject({ ok: true, path: '/episodes/e1', wildcard: false });
    expect(checkChannel('episodes/e1', 'subscribe', ns)).toMatchObject({ ok: true, path: '/episodes/e1' });
    expect(checkChannel('/episodes/*', 'subscribe', ns)).toMatchObject({ ok: true, path: '/episodes', wildcard: true });
    expect(checkChannel(`/episodes/${'a'.repeat(50)}/b/c/d`, 'publish', ns)).toMatchObject({ ok: true });
    const refused = {
      wildcardPublish: checkChannel('/episodes/*', 'publish', ns),
      wildcardInside: checkChannel('/episodes/*/e1', 'subscribe', ns),
      namespaceOnly: checkChannel('/episodes', 'publish', ns),
      sixSegments: checkChannel('/episodes/a/b/c/d/e', 'publish', ns),
      longSegment: checkChannel(`/episodes/${'a'.repeat(51)}`, 'publish', ns),
      badCharacter: checkChannel('/episodes/e_1', 'subscribe', ns),
      emptySegment: checkChannel('/episodes//e1', 'subscribe', ns),
      unknownNamespace: checkChannel('/default/e1', 'subscribe', ns),
      notAString: checkChannel(42, 'subscribe', ns),
    };
    for (const [name, check] of Object.entries(refused)) expect({ name, ok: check.ok, errorType: !check.ok && check.errorType }).toEqual({ name, ok: false, errorType: 'BadRequestException' });
    expect(wildcardPrefixes('/episodes/e1/x')).toEqual(['/episodes', '/episodes/e1']);
  });
});

describe('connecting', () => {
  it('acknowledges connection_init with connectionTimeoutMs, then sends ka', async () => {
    const c = await plainClient(server, await pool.token());
    clients.push(c);
    expect(c.ws.protocol).toBe('aws-appsync-event-ws');
    c.send({ type: 'connection_init' });
    expect(await c.next()).toEqual({ type: 'connection_ack', connectionTimeoutMs: 300_000 });
    expect(await c.next((m) => m.type === 'ka')).toEqual({ type: 'ka' });
  });

  it('answers a connection with a bad token with connection_error and closes it', async () => {
    for (const token of [await pool.token({ forged: true }), await pool.token({ expiresIn: -60 }), '']) {
      const c = await plainClient(server, token);
      c.send({ type: 'connection_init' });
      expect(await c.next()).toEqual({ type: 'connection_error', errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] });
      expect(await c.closed).toBe(1008);
    }
  });

  it('refuses an upgrade without the aws-appsync-event-ws subprotocol', async () => {
    const { default: WebSocket } = await import('ws');
    const ws = new WebSocket(server.realtimeEndpoint, ['graphql-ws']);
    const status = await new Promise<number | undefined>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode)));
    expect(status).toBe(400);
  });
});

describe('subscribing', () => {
  it('confirms a subscription with subscribe_success', async () => {
    const c = await connect();
    expect(await subscribe(c, 's1', '/episodes/e1')).toEqual({ type: 'subscribe_success', id: 's1' });
  });

  it('refuses bad and expired tokens, malformed channels and unknown namespaces with subscribe_error', async () => {
    const c = await connect();
    const cases: [string, string, string | undefined, string][] = [
      ['forged', '/episodes/e1', await pool.token({ forged: true }), 'UnauthorizedException'],
      ['expired', '/episodes/e1', await pool.token({ expiresIn: -60 }), 'UnauthorizedException'],
      ['malformed', '/episodes/e_1!', undefined, 'BadRequestException'],
      ['tooDeep', '/episodes/a/b/c/d/e', undefined, 'BadRequestException'],
      ['unknownNamespace', '/default/e1', undefined, 'BadRequestException'],
    ];
    for (const [id, channel, token, errorType] of cases) {
      const reply = await subscribe(c, id, channel, token);
      expect({ id, type: reply.type, errorType: (reply.errors as { errorType: string }[])[0].errorType }).toEqual({ id, type: 'subscribe_error', errorType });
    }
    c.send({ type: 'subscribe', id: 'no-auth', channel: '/episodes/e1' });
    expect(await c.next((m) => m.id === 'no-auth')).toMatchObject({ type: 'subscribe_error', errors: [{ errorType: 'UnauthorizedException' }] });
    expect(server.stats().subscriptions).toBe(0);
  });
});

describe('token checks', () => {
  it('checks a token once for the connection and its subscriptions, and every new token again', async () => {
    const checked: string[] = [];
    const counting = await startTestEventApi({ ...pool, authorizer: (header) => (checked.push(String(header)), pool.authorizer(header)) });
    try {
      const token = await pool.token();
      const c = await ackedClient(counting, token);
      clients.push(c);
      const host = new URL(counting.httpEndpoint).host;
      for (const id of ['a', 'b']) {
        c.send({ type: 'subscribe', id, channel: '/episodes/e1', authorization: { Authorization: token, host } });
        expect(await c.next()).toEqual({ type: 'subscribe_success', id });
      }
      expect(checked).toEqual([token]);
      const expired = await pool.token({ expiresIn: -60 });
      c.send({ type: 'subscribe', id: 'c', channel: '/episodes/e1', authorization: { Authorization: expired, host } });
      expect(await c.next()).toMatchObject({ type: 'subscribe_error', id: 'c' });
      expect(checked).toEqual([token, expired]);
    } finally {
      await counting.stop();
    }
  });
});

describe('delivery', () => {
  it('delivers each published event, as its JSON string, to every subscriber of the channel and of a matching wildcard', async () => {
    const [a, b, w] = [await connect(), await connect(), await connect()];
    await subscribe(a, 'a', '/episodes/e1');
    await subscribe(b, 'b', 'episodes/e1');
    await subscribe(w, 'w', '/episodes/*');
    await subscribe(a, 'other', '/episodes/e2');

    // The real publisher of the functions (SigV4 with the local credentials, as the runtime gives them).
    vi.stubEnv('EVENT_API_HTTP_ENDPOINT', server.httpEndpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_REGION', REGION);
    const events = [1, 2, 3, 4, 5, 6, 7].map((seq) => ({ type: 'question.opened', episode_id: 'e1', seq }));
    await publishToChannel('/episodes/e1', events);
    vi.unstubAllEnvs();

    for (const [c, id] of [[a, 'a'], [b, 'b'], [w, 'w']] as const) {
      const got: unknown[] = [];
      for (let i = 0; i < events.length; i++) {
        const m = await c.next((x) => x.type === 'data');
        expect(m.id).toBe(id);
        expect(typeof m.event).toBe('string');
        got.push(JSON.parse(m.event as string));
      }
      expect(got).toEqual(events);
    }
    // The wildcard also receives a sibling channel, which the exact subscribers of e1 do not.
    expect((await signedPublish(server, { channel: '/episodes/e2', events: [event(1)] })).status).toBe(200);
    expect(await w.next((m) => m.type === 'data')).toEqual({ type: 'data', id: 'w', event: event(1) });
    expect(await a.next((m) => m.type === 'data')).toEqual({ type: 'data', id: 'other', event: event(1) });
  });

  it('stops delivering after unsubscribe_success', async () => {
    const c = await connect();
    await subscribe(c, 'gone', '/episodes/e3');
    await subscribe(c, 'fence', '/episodes/fence');
    c.send({ type: 'unsubscribe', id: 'gone' });
    expect(await c.next()).toEqual({ type: 'unsubscribe_success', id: 'gone' });
    await signedPublish(server, { channel: '/episodes/e3', events: [event(1)] });
    // Frames on one socket arrive in order: once the fence's event is here, any frame of the first publish would be too.
    await signedPublish(server, { channel: '/episodes/fence', events: [event(2)] });
    expect(await c.next()).toEqual({ type: 'data', id: 'fence', event: event(2) });
    c.send({ type: 'unsubscribe', id: 'gone' });
    expect(await c.next()).toMatchObject({ type: 'unsubscribe_error', id: 'gone', errors: [{ errorType: 'UnknownOperationError' }] });
  });

  it('frames events of every length whole: 7-bit, 16-bit and 64-bit payload lengths (RFC 6455), and one socket keeps their order', async () => {
    const c = await connect();
    await subscribe(c, 'sizes', '/episodes/sizes');
    // A frame is the subscription's prefix (~40 bytes) plus the event: under 126 bytes, under 64 KiB, and over it.
    const sized = (bytes: number) => JSON.stringify({ type: 'question.opened', pad: 'é'.repeat(bytes / 2) });
    const events = [event(1), sized(1_000), sized(100_000), event(2)];
    expect((await signedPublish(server, { channel: '/episodes/sizes', events })).status).toBe(200);
    for (const e of events) expect(await c.next((m) => m.type === 'data')).toEqual({ type: 'data', id: 'sizes', event: e });
  });

  it('encodes each event once, whatever the number of subscribers', async () => {
    const stringifyCalls = async (subscribers: number, channel: string) => {
      for (let i = 0; i < subscribers; i++) await subscribe(await connect(), `s${i}`, channel);
      const spy = vi.spyOn(JSON, 'stringify');
      await signedPublish(server, { channel, events: [event(1), event(2)] });
      const calls = spy.mock.calls.length;
      spy.mockRestore();
      return calls;
    };
    const one = await stringifyCalls(1, '/episodes/one');
    expect(await stringifyCalls(25, '/episodes/many')).toBe(one);
  });
});

describe('publishing over HTTP (IAM only)', () => {
  it('answers a signed publish with AWS’s result shape', async () => {
    const res = await signedPublish(server, { channel: '/episodes/e9', events: [event(1), event(2)] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ failed: [], successful: [{ identifier: expect.any(String), index: 0 }, { identifier: expect.any(String), index: 1 }] });
  });

  it('refuses a player’s token, an unsigned request and a bad signature as AWS does', async () => {
    const before = server.stats().published;
    const body = JSON.stringify({ channel: '/episodes/e1', events: [event(1)] });
    const unauthorized = { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] };
    expect(await post(server, body, { 'content-type': 'application/json', authorization: await pool.token() })).toEqual({ status: 401, body: unauthorized });
    expect(await post(server, body, { 'content-type': 'application/json' })).toEqual({ status: 401, body: unauthorized });
    const bad = await signedPublish(server, { channel: '/episodes/e1', events: [event(1)] }, { secretAccessKey: 'not-the-local-secret' });
    expect(bad).toMatchObject({ status: 403, body: { errors: [{ errorType: 'InvalidSignatureException' }] } });
    const otherKey = await signedPublish(server, { channel: '/episodes/e1', events: [event(1)] }, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAOTHER/20260101/us-east-1/appsync/aws4_request, SignedHeaders=host;x-amz-date, Signature=' + '0'.repeat(64) } });
    expect(otherKey).toMatchObject({ status: 403, body: { errors: [{ errorType: 'UnrecognizedClientException' }] } });
    expect(server.stats().published).toBe(before);
  });

  it('refuses more than 5 events, a wildcard channel, an unknown namespace and events that are not JSON strings', async () => {
    const cases = {
      sixEvents: { channel: '/episodes/e1', events: [1, 2, 3, 4, 5, 6].map(event) },
      noEvents: { channel: '/episodes/e1', events: [] },
      wildcard: { channel: '/episodes/*', events: [event(1)] },
      unknownNamespace: { channel: '/default/e1', events: [event(1)] },
      notJson: { channel: '/episodes/e1', events: ['{not json'] },
      notString: { channel: '/episodes/e1', events: [{ seq: 1 }] },
    };
    const before = server.stats().published;
    for (const [name, body] of Object.entries(cases)) {
      const res = await signedPublish(server, body);
      expect({ name, status: res.status, errorType: (res.body.errors as { errorType: string }[])[0].errorType }).toEqual({ name, status: 400, errorType: 'BadRequestException' });
    }
    expect(server.stats().published).toBe(before);
  });

  it('refuses a request body over the size of five of the largest events with PayloadTooLargeException, publishing nothing', async () => {
    const before = server.stats().published;
    const res = await post(server, 'x'.repeat(MAX_BODY_BYTES + 1), { 'content-type': 'application/json' });
    expect(res).toEqual({ status: 413, body: { errors: [{ errorType: 'PayloadTooLargeException', message: 'The request is too large' }] } });
    expect(server.stats().published).toBe(before);
  });

  it('answers a browser’s preflight like AWS (CORS)', async () => {
    const res = await fetch(server.httpEndpoint, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
  });

  it('refuses a publish on the socket with a user-pool token', async () => {
    const c = await connect();
    c.send({ type: 'publish', id: 'p1', channel: '/episodes/e1', events: [event(1)], authorization: { Authorization: await pool.token(), host: 'x' } });
    expect(await c.next()).toMatchObject({ type: 'publish_error', id: 'p1', errors: [{ errorType: 'UnauthorizedException' }] });
  });
});
