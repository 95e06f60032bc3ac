/** client/realtime.ts against the local Event API (lib/local/eventApi/). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectRealtime, RealtimeClosedError, RealtimeError, type RealtimeSocketConstructor } from '../../../client/realtime.ts';
import { watchEpisode, type LiveConnection, type WatchItem } from '../../../client/watch.ts';
import type { LiveSnapshotOut } from '../../../lambda/domain/contract.ts';
import type { EventApiServer } from '../../../lib/local/eventApi/server.ts';
import { event, signedPublish, startTestEventApi, testPool, type Pool } from '../local/fixtures/eventApi.ts';

let pool: Pool;
let server: EventApiServer;

beforeAll(async () => {
  pool = await testPool();
  server = await startTestEventApi(pool);
});
afterAll(() => server.stop());

const connect = (over: { server?: EventApiServer; token?: () => Promise<string> } = {}) => {
  const s = over.server ?? server;
  return connectRealtime({
    realtimeUrl: s.realtimeEndpoint,
    httpUrl: s.httpEndpoint,
    token: over.token ?? (() => pool.token()),
    WebSocket: WebSocket as unknown as RealtimeSocketConstructor,
  });
};

/** Resolves with the events once `n` have arrived. */
const collector = (n: number) => {
  const got: unknown[] = [];
  let done!: (v: unknown[]) => void;
  const all = new Promise<unknown[]>((resolve) => (done = resolve));
  return {
    onEvent: (data: unknown) => {
      got.push(data);
      if (got.length === n) done(got);
    },
    all,
  };
};

describe('connectRealtime', () => {
  it('connects, subscribes, receives events in order, and unsubscribes', async () => {
    const live = await connect();
    expect(live.connectionTimeoutMs).toBe(300_000);
    const first = collector(3);
    const sub = await live.subscribe('/episodes/e1', first.onEvent);
    expect(server.stats().subscriptions).toBe(1);
    await signedPublish(server, { channel: '/episodes/e1', events: [event(1), event(2), event(3)] });
    expect(await first.all).toEqual([1, 2, 3].map((n) => JSON.parse(event(n))));
    await sub.unsubscribe();
    expect(server.stats().subscriptions).toBe(0);
    const closed = new Promise<unknown>((resolve) => live.onClose(resolve));
    live.close();
    expect(await closed).toBeUndefined();
  });

  it('rejects a refused subscription with a typed error', async () => {
    const live = await connect();
    const refused = await live.subscribe('/episodes/not_valid!', () => {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RealtimeError);
    expect((refused as RealtimeError).errorType).toBe('BadRequestException');
    let calls = 0;
    const expiring = await connect({ token: async () => (++calls === 1 ? pool.token() : pool.token({ expiresIn: -60 })) });
    await expect(expiring.subscribe('/episodes/e1', () => {})).rejects.toMatchObject({ name: 'RealtimeError', errorType: 'UnauthorizedException' });
    live.close();
    expiring.close();
  });

  it('rejects a connection the server refuses', async () => {
    await expect(connect({ token: () => pool.token({ forged: true }) })).rejects.toMatchObject({ name: 'RealtimeError', errorType: 'UnauthorizedException' });
  });

  it('reports a connection without keep-alives as dead through onClose', async () => {
    const silent = await startTestEventApi(pool, { keepAliveMs: 3_600_000, connectionTimeoutMs: 200 });
    try {
      const live = await connect({ server: silent });
      const reason = await new Promise<RealtimeClosedError | undefined>((resolve) => live.onClose(resolve));
      expect(reason).toBeInstanceOf(RealtimeClosedError);
      expect(reason?.reason).toBe('keepalive');
      await expect(live.subscribe('/episodes/e1', () => {})).rejects.toThrow(/closed/);
    } finally {
      await silent.stop();
    }
  });

  it('stays open while keep-alives arrive, and reports the server going away', async () => {
    const lively = await startTestEventApi(pool, { keepAliveMs: 50, connectionTimeoutMs: 400 });
    const live = await connect({ server: lively });
    const closed = new Promise<RealtimeClosedError | undefined>((resolve) => live.onClose(resolve));
    const received: unknown[] = [];
    let arrived: (() => void) | undefined;
    await live.subscribe('/episodes/e1', (data) => {
      received.push(data);
      arrived?.();
    });
    // Events keep flowing well past connectionTimeoutMs: only the keep-alives can have kept the connection (data does not).
    const started = Date.now();
    for (let n = 1; Date.now() - started < 1000; n++) {
      const got = new Promise<void>((resolve) => (arrived = resolve));
      await signedPublish(lively, { channel: '/episodes/e1', events: [event(n)] });
      await got;
      expect(received.at(-1)).toEqual(JSON.parse(event(n)));
    }
    await lively.stop();
    expect(await closed).toMatchObject({ name: 'RealtimeClosedError', reason: 'closed' });
  });

  it('is the connection TriviaClient.watch follows: events in seq order to the end', async () => {
    const episodeId = 'w1';
    const episode = (seq: number, state: string) => ({ id: episodeId, state, server_time: 1000 + seq });
    const snapshot = { seq: 0, episode: episode(0, 'CREATED') } as unknown as LiveSnapshotOut;
    const events = [
      { type: 'episode.started', episode_id: episodeId, seq: 1, server_time: 1001, episode: episode(1, 'STARTED') },
      { type: 'question.opened', episode_id: episodeId, seq: 2, server_time: 1002, episode: episode(2, 'QUESTION_OPEN') },
      { type: 'episode.ended', episode_id: episodeId, seq: 3, server_time: 1003, episode: episode(3, 'ENDED') },
    ];
    let subscribed!: () => void;
    const ready = new Promise<void>((resolve) => (subscribed = resolve));
    const source = {
      snapshot: async () => snapshot,
      connect: async (): Promise<LiveConnection> => {
        // connectRealtime's connection is a LiveConnection as it is (checked by the typechecker).
        const live: LiveConnection = await connect();
        return {
          subscribe: async (channel, onEvent) => {
            const sub = await live.subscribe(channel, onEvent);
            subscribed();
            return sub;
          },
          onClose: (cb) => live.onClose(cb),
          close: () => live.close(),
        };
      },
    };
    const seen: WatchItem[] = [];
    const watching = (async () => {
      for await (const item of watchEpisode(episodeId, source, { gapWaitMs: 60_000 })) seen.push(item);
    })();
    await ready;
    await signedPublish(server, { channel: `/episodes/${episodeId}`, events: [events[1], events[0], events[2], events[1]].map((e) => JSON.stringify(e)) });
    await watching;
    expect(seen.map((i) => [i.type, i.seq])).toEqual([
      ['snapshot', 0],
      ['episode.started', 1],
      ['question.opened', 2],
      ['episode.ended', 3],
    ]);
  });
});
