/**
 * Amplify's stock AppSync Events client (`events` from `aws-amplify/data`), configured with the local stack's
 * outputs and signed in to the local user pool through Amplify Auth itself, receives every transition of a show played
 * through the API, in `seq` order.
 *
 * Node 20 has no global WebSocket, so `ws` is installed as one. Amplify derives the socket's address from the HTTP
 * endpoint and always with `wss://` (AWS serves TLS only); the local Event API speaks plain `ws://` on 127.0.0.1, so
 * the socket installed here connects to the same address without TLS. Nothing else of Amplify is touched.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Amplify } from 'aws-amplify';
import { signIn, signOut } from 'aws-amplify/auth';
import { events } from 'aws-amplify/data';
import { publishToChannel } from '../../lambda/store/liveChannel.ts';
import { LOCAL_CREDENTIALS, REGION } from '../../lib/local/names.ts';
import { stack } from './support/index.ts';
import { PASSWORD, player } from './support/game.ts';
import { expectWholeShow, playShortShow, showCollector } from './support/live.ts';

class LoopbackWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url.replace(/^wss:\/\/127\.0\.0\.1:/, 'ws://127.0.0.1:'), protocols);
  }
}

beforeAll(async () => {
  const { outputs } = stack();
  (globalThis as { WebSocket?: unknown }).WebSocket = LoopbackWebSocket;
  Amplify.configure({
    Auth: { Cognito: { userPoolId: outputs.UserPoolId, userPoolClientId: outputs.UserPoolClientId, userPoolEndpoint: outputs.CognitoEndpoint } },
    API: { Events: { endpoint: outputs.EventApiHttpEndpoint, region: REGION, defaultAuthMode: 'userPool' } },
  });
  const result = await signIn({ username: 'player3@example.com', password: PASSWORD, options: { authFlowType: 'USER_PASSWORD_AUTH' } });
  expect(result.isSignedIn).toBe(true);
  // The functions' publisher, with the credentials the local runtime gives the functions.
  vi.stubEnv('EVENT_API_HTTP_ENDPOINT', outputs.EventApiHttpEndpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_REGION', REGION);
});

afterAll(async () => {
  await events.closeAll();
  await signOut();
  vi.unstubAllEnvs();
});

describe('Amplify’s events client against the local Event API', () => {
  it('subscribes with a user-pool token and receives every transition of a show played through the API, in seq order', async () => {
    const episodeId = `amplify-${Date.now().toString(36)}`;
    const channel = await events.connect(`/episodes/${episodeId}`);
    const show = showCollector();
    const sub = channel.subscribe({
      next: (data: { event: unknown }) => show.onEvent(data.event),
      error: (err: unknown) => show.onEvent({ type: 'subscription.failed', error: JSON.stringify(err) }),
    });
    await (sub as unknown as { ready: Promise<unknown> }).ready;
    const players = await Promise.all(['player5', 'player6', 'player7'].map((name) => player(`${name}@example.com`)));
    const played = await playShortShow(episodeId, players, show);
    expectWholeShow(show.received, episodeId, played);
    sub.unsubscribe();
    await channel.close();
  }, 180_000);

  it('receives events published with the functions’ publisher, in order', async () => {
    const episodeId = `amplify-pub-${Date.now().toString(36)}`;
    const channel = await events.connect(`/episodes/${episodeId}`);
    const received: unknown[] = [];
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    const published = [1, 2, 3, 4, 5, 6].map((seq) => ({ type: 'participants.counted', episode_id: episodeId, seq, participant_count: seq }));
    const sub = channel.subscribe({
      next: (data: { event: unknown }) => {
        received.push(data.event);
        if (received.length === published.length) done();
      },
      error: (err: unknown) => received.push({ type: 'subscription.failed', error: JSON.stringify(err) }),
    });
    await (sub as unknown as { ready: Promise<unknown> }).ready;
    await publishToChannel(`/episodes/${episodeId}`, published);
    await all;
    expect(received).toEqual(published);
    sub.unsubscribe();
    await channel.close();
  });

  it('cannot publish with a player’s token, over HTTP or on the socket', async () => {
    // Amplify names the error after the x-amzn-ErrorType header (its message parser does not read AppSync's `errors` list).
    await expect(events.post(`/episodes/e-${Date.now().toString(36)}`, { type: 'episode.ended' })).rejects.toMatchObject({ name: 'UnauthorizedException' });
    const channel = await events.connect('/episodes/forbidden');
    await expect(channel.publish({ type: 'episode.ended' })).rejects.toThrow(/UnauthorizedException/);
    await channel.close();
  });
});
