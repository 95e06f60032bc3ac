/**
 * Rule 7 under faults: every committed transition reaches the channel as soon as it is committed (the function that
 * committed it publishes it), and a publisher that fails after its commit loses nothing (the stream relay publishes
 * from the episodes table's stream). Faults are injected by the local Event API's test hook (lib/local/eventApi/server.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ackedClient, type PlainClient } from '../unit/local/fixtures/eventApi.ts';
import { player } from './support/game.ts';
import { stack } from './support/index.ts';
import { expectWholeShow, playShortShow, showCollector } from './support/live.ts';

const eventApi = () => new URL(stack().outputs.EventApiHttpEndpoint);
const hook = (path: string) => new URL(path, eventApi()).toString();
const setFaults = async (plan: { failPublishesFrom: string; count: number }) =>
  expect((await fetch(hook('/__faults'), { method: 'POST', body: JSON.stringify(plan) })).status).toBe(200);
const clearFaults = async () => (await (await fetch(hook('/__faults'), { method: 'DELETE' })).json()) as { used: number };
const publishes = async (episodeId: string) =>
  ((await (await fetch(hook('/__published'))).json()) as { function: string; events: { episode_id: string; seq: number; type: string }[] }[])
    .flatMap((p) => p.events.map((e) => ({ ...e, function: p.function })))
    .filter((e) => e.episode_id === episodeId);

let client: PlainClient | undefined;
afterEach(async () => {
  client?.ws.close();
  await clearFaults();
});

/** Subscribes a player to the episode's channel and plays a short show; returns what the channel carried. */
async function watchShow(episodeId: string, playerNames: string[]) {
  const watcher = await player('player5@example.com');
  const endpoints = { realtimeEndpoint: stack().outputs.EventApiRealtimeEndpoint, httpEndpoint: stack().outputs.EventApiHttpEndpoint };
  client = await ackedClient(endpoints, watcher.token);
  client.send({ type: 'subscribe', id: 'show', channel: `/episodes/${episodeId}`, authorization: { Authorization: watcher.token, host: eventApi().host } });
  expect(await client.next()).toEqual({ type: 'subscribe_success', id: 'show' });
  const show = showCollector();
  const c = client;
  const reading = (async () => {
    while (!show.received.some((e) => e.type === 'episode.ended')) {
      const m = await c.next((x) => x.type === 'data');
      show.onEvent(JSON.parse(m.event as string));
    }
  })();
  const players = await Promise.all(playerNames.map((name) => player(`${name}@example.com`)));
  const played = await playShortShow(episodeId, players, show);
  await reading;
  return { show, played };
}

describe('the live channel under faults', () => {
  it('each transition is published by the runner that committed it, as soon as it is committed', async () => {
    const episodeId = `fast-${Date.now().toString(36)}`;
    const { show, played } = await watchShow(episodeId, ['player11', 'player12', 'player13']);
    expectWholeShow(show.received, episodeId, played);
    const log = await publishes(episodeId);
    const first = new Map<number, string>();
    for (const p of log) if (!first.has(p.seq)) first.set(p.seq, p.function);
    for (const e of show.received.filter((x) => x.type !== 'participants.counted')) {
      expect(first.get(e.seq), `${e.type} (seq ${e.seq})`).toMatch(/episodeRunner$/);
    }
  }, 180_000);

  it('a runner whose publishes fail after its commits loses no event: the stream relay publishes them, in order', async () => {
    await setFaults({ failPublishesFrom: 'episodeRunner', count: 1_000 });
    const episodeId = `relay-${Date.now().toString(36)}`;
    const { show, played } = await watchShow(episodeId, ['player14', 'player15', 'player16']);
    expectWholeShow(show.received, episodeId, played);
    const transitions = show.received.filter((x) => x.type !== 'participants.counted');
    expect((await clearFaults()).used).toBeGreaterThanOrEqual(transitions.length);
    const log = await publishes(episodeId);
    for (const e of transitions) expect(log.find((p) => p.seq === e.seq)?.function, `${e.type} (seq ${e.seq})`).toMatch(/relayLiveEvents$/);
  }, 180_000);
});
