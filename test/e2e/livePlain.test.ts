/**
 * A plain WebSocket client written from AWS's protocol page ("Understanding the Event API WebSocket protocol"), with
 * nothing but `ws`, against the whole local stack: it signs in to the local user pool and receives every transition of
 * a show played through the API, in `seq` order.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { publishToChannel } from '../../lambda/store/liveChannel.ts';
import { LOCAL_CREDENTIALS, REGION } from '../../lib/local/names.ts';
import { ackedClient, type PlainClient } from '../unit/local/fixtures/eventApi.ts';
import { stack } from './support/index.ts';
import { player } from './support/game.ts';
import { expectWholeShow, playShortShow, showCollector } from './support/live.ts';

const endpoints = () => ({ realtimeEndpoint: stack().outputs.EventApiRealtimeEndpoint, httpEndpoint: stack().outputs.EventApiHttpEndpoint });
let client: PlainClient;

beforeAll(async () => {
  vi.stubEnv('EVENT_API_HTTP_ENDPOINT', stack().outputs.EventApiHttpEndpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_REGION', REGION);
});
afterAll(() => {
  client?.ws.close();
  vi.unstubAllEnvs();
});

describe('a plain AppSync Events client against the local stack', () => {
  it('connects and subscribes with a player’s Cognito token and receives every transition of a show, in seq order', async () => {
    const watcher = await player('player4@example.com');
    client = await ackedClient(endpoints(), watcher.token);
    const episodeId = `plain-${Date.now().toString(36)}`;
    const authorization = { Authorization: watcher.token, host: new URL(endpoints().httpEndpoint).host };
    client.send({ type: 'subscribe', id: 'show', channel: `/episodes/${episodeId}`, authorization });
    expect(await client.next()).toEqual({ type: 'subscribe_success', id: 'show' });
    // A wildcard subscription on the same socket sees the same events.
    client.send({ type: 'subscribe', id: 'all', channel: '/episodes/*', authorization });
    expect(await client.next()).toEqual({ type: 'subscribe_success', id: 'all' });

    const show = showCollector();
    const wildcard = showCollector();
    const reading = (async () => {
      while (!show.received.some((e) => e.type === 'episode.ended') || !wildcard.received.some((e) => e.type === 'episode.ended')) {
        const m = await client.next((x) => x.type === 'data');
        const data = JSON.parse(m.event as string) as { episode_id: string };
        if (m.id === 'show') show.onEvent(data);
        else if (data.episode_id === episodeId) wildcard.onEvent(data);
      }
    })();
    const players = await Promise.all(['player8', 'player9', 'player10'].map((name) => player(`${name}@example.com`)));
    const played = await playShortShow(episodeId, players, show);
    await reading;
    expectWholeShow(show.received, episodeId, played);
    expectWholeShow(wildcard.received, episodeId, played);

    client.send({ type: 'unsubscribe', id: 'show' });
    expect(await client.next((m) => m.id === 'show' && m.type !== 'data')).toEqual({ type: 'unsubscribe_success', id: 'show' });
  }, 180_000);

  it('receives events published with the functions’ publisher, in order', async () => {
    const p = await player('player4@example.com');
    const c = await ackedClient(endpoints(), p.token);
    const episodeId = `plain-pub-${Date.now().toString(36)}`;
    c.send({ type: 'subscribe', id: 'sub-1', channel: `/episodes/${episodeId}`, authorization: { Authorization: p.token, host: new URL(endpoints().httpEndpoint).host } });
    expect(await c.next()).toEqual({ type: 'subscribe_success', id: 'sub-1' });
    const published = [1, 2, 3, 4, 5, 6].map((seq) => ({ type: 'participants.counted', episode_id: episodeId, seq, participant_count: seq }));
    await publishToChannel(`/episodes/${episodeId}`, published);
    const received: unknown[] = [];
    for (const _ of published) {
      const m = await c.next();
      expect(m).toMatchObject({ type: 'data', id: 'sub-1' });
      received.push(JSON.parse(m.event as string));
    }
    expect(received).toEqual(published);
    c.ws.close();
  });
});
