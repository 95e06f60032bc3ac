/**
 * A plain WebSocket client written from AWS's protocol page ("Understanding the Event API WebSocket protocol"), with
 * nothing but `ws`, against the whole local stack: it signs in to the local user pool and receives the events
 * published on an episode's channel.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { publishToChannel } from '../../lambda/store/liveChannel.ts';
import { LOCAL_CREDENTIALS, REGION } from '../../lib/local/names.ts';
import { ackedClient, type PlainClient } from '../unit/local/fixtures/event-api.ts';
import { stack } from './support/index.ts';
import { player } from './support/game.ts';

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
  it('connects and subscribes with a player’s Cognito token and receives the channel’s events in order', async () => {
    const p = await player('player4@example.com');
    client = await ackedClient(endpoints(), p.token);
    const episodeId = `plain-${Date.now().toString(36)}`;
    client.send({ type: 'subscribe', id: 'sub-1', channel: `/episodes/${episodeId}`, authorization: { Authorization: p.token, host: new URL(endpoints().httpEndpoint).host } });
    expect(await client.next()).toEqual({ type: 'subscribe_success', id: 'sub-1' });
    const published = [1, 2, 3, 4, 5, 6].map((seq) => ({ type: 'participants.counted', episode_id: episodeId, seq, participant_count: seq }));
    await publishToChannel(`/episodes/${episodeId}`, published);
    const received: unknown[] = [];
    for (const _ of published) {
      const m = await client.next();
      expect(m).toMatchObject({ type: 'data', id: 'sub-1' });
      received.push(JSON.parse(m.event as string));
    }
    expect(received).toEqual(published);
  });
});
