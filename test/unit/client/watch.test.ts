/** client/watch.ts: snapshot first, then the channel's events in `seq` order, once each, through gaps and reconnects. */
import { describe, expect, it } from 'vitest';
import { watchEpisode, type LiveConnection, type WatchItem, type WatchStatus } from '../../../client/watch.ts';

type State = 'CREATED' | 'STARTED' | 'QUESTION_OPEN' | 'QUESTION_CLOSED' | 'QUESTION_RESULTS' | 'ENDED';
const view = (state: State) => ({ id: 'e1', state, server_time: 1 }) as never;
const event = (seq: number, state: State = 'QUESTION_OPEN') => ({ type: 'question.opened', episode_id: 'e1', seq, server_time: seq, episode: view(state) });
const snapshot = (seq: number, state: State = 'QUESTION_OPEN') => ({ seq, episode: view(state) });

/** A channel the test drives: `emit` delivers an event to the subscriber, `drop` closes the connection. */
function fakeChannel() {
  const connections: { emit: (data: unknown) => void; drop: () => void; closed: boolean }[] = [];
  const connect = async (): Promise<LiveConnection> => {
    let onEvent: (data: unknown) => void = () => undefined;
    let onClose: (reason?: Error) => void = () => undefined;
    const c = { emit: (d: unknown) => onEvent(d), drop: () => onClose(new Error('dropped')), closed: false };
    connections.push(c);
    return {
      subscribe: async (channel, cb) => {
        expect(channel).toBe('/episodes/e1');
        onEvent = cb;
        return { unsubscribe: async () => undefined };
      },
      onClose: (cb) => (onClose = cb),
      close: () => (c.closed = true),
    };
  };
  return { connections, connect, latest: () => connections[connections.length - 1] };
}

async function collect(it: AsyncGenerator<WatchItem>, onItem: (item: WatchItem, all: WatchItem[]) => void = () => undefined) {
  const all: WatchItem[] = [];
  for await (const item of it) {
    all.push(item);
    onItem(item, all);
  }
  return all;
}

const noSleep = async () => undefined;

describe('watchEpisode', () => {
  it('starts from the snapshot, then yields each event once, in seq order, and ends with the episode', async () => {
    const channel = fakeChannel();
    const statuses: WatchStatus[] = [];
    const items = await collect(
      watchEpisode('e1', { snapshot: async () => snapshot(2), connect: channel.connect }, { onStatus: (s) => statuses.push(s), sleep: noSleep }),
      (item) => {
        if (item.seq === 2) {
          const c = channel.latest();
          for (const seq of [1, 2, 4, 3, 3, 5]) c.emit(JSON.stringify(event(seq, seq === 5 ? 'ENDED' : 'QUESTION_OPEN')));
          c.emit(JSON.stringify({ ...event(9), episode_id: 'another' }));
        }
      },
    );
    expect(items.map((i) => [i.type, i.seq])).toEqual([
      ['snapshot', 2],
      ['question.opened', 3],
      ['question.opened', 4],
      ['question.opened', 5],
    ]);
    expect(statuses).toEqual(['connecting', 'live', 'ended']);
    expect(channel.latest().closed).toBe(true);
  });

  it('fills a gap that stays open from the snapshot, which stands in for the missed events', async () => {
    const channel = fakeChannel();
    let snapshots = 0;
    const source = { snapshot: async () => (++snapshots === 1 ? snapshot(1) : snapshot(3, 'QUESTION_CLOSED')), connect: channel.connect };
    const items = await collect(watchEpisode('e1', source, { gapWaitMs: 20, sleep: noSleep }), (item) => {
      if (item.seq === 1) channel.latest().emit(event(4)); // 2 and 3 are lost
      if (item.seq === 4) channel.latest().emit(event(5, 'ENDED'));
    });
    expect(items.map((i) => [i.type, i.seq])).toEqual([
      ['snapshot', 1],
      ['snapshot', 3],
      ['question.opened', 4],
      ['question.opened', 5],
    ]);
  });

  it('reconnects after a dropped connection and catches up from the snapshot', async () => {
    const channel = fakeChannel();
    let latest = 1;
    const statuses: WatchStatus[] = [];
    const delays: number[] = [];
    const source = { snapshot: async () => snapshot(latest, latest === 3 ? 'ENDED' : 'QUESTION_OPEN'), connect: channel.connect };
    const items = await collect(
      watchEpisode('e1', source, {
        onStatus: (s) => statuses.push(s),
        random: () => 0.5,
        sleep: async (ms) => {
          delays.push(ms);
        },
      }),
      (item) => {
        if (item.seq === 1) {
          latest = 3; // events 2 and 3 happen while the connection is down
          channel.latest().drop();
        }
      },
    );
    expect(channel.connections).toHaveLength(2);
    expect(channel.connections[0].closed).toBe(true);
    expect(items.map((i) => [i.type, i.seq])).toEqual([
      ['snapshot', 1],
      ['snapshot', 3],
    ]);
    expect(statuses).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting', 'live', 'ended']);
    expect(delays).toEqual([125]); // full jitter: half of the 250 ms base
  });

  it('polls the snapshot, visibly, when there is no channel', async () => {
    let latest = 0;
    const statuses: WatchStatus[] = [];
    const source = { snapshot: async () => snapshot(++latest, latest >= 3 ? 'ENDED' : 'QUESTION_OPEN') };
    const items = await collect(watchEpisode('e1', source, { onStatus: (s) => statuses.push(s), sleep: noSleep }));
    expect(items.map((i) => [i.type, i.seq])).toEqual([
      ['snapshot', 1],
      ['snapshot', 2],
      ['snapshot', 3],
    ]);
    expect(statuses[0]).toBe('polling');
    expect(statuses.at(-1)).toBe('ended');
  });

  it('falls back to polling after repeated connection failures', async () => {
    let attempts = 0;
    let latest = 0;
    const statuses: WatchStatus[] = [];
    const source = {
      snapshot: async () => snapshot(++latest, latest >= 2 ? 'ENDED' : 'QUESTION_OPEN'),
      connect: async (): Promise<LiveConnection> => {
        attempts++;
        throw new Error('refused');
      },
    };
    const items = await collect(watchEpisode('e1', source, { onStatus: (s) => statuses.push(s), sleep: noSleep, reconnect: { attempts: 3 } }));
    expect(attempts).toBe(3);
    expect(statuses).toContain('polling');
    expect(items.map((i) => i.seq)).toEqual([1, 2]);
  });

  it('stops when the signal aborts', async () => {
    const channel = fakeChannel();
    const abort = new AbortController();
    const items = await collect(watchEpisode('e1', { snapshot: async () => snapshot(1), connect: channel.connect }, { signal: abort.signal }), () => abort.abort());
    expect(items).toHaveLength(1);
  });
});
