/**
 * The audience of `npm run bench:live`, in a process of its own (bench/live.ts forks it), so that the CPU and memory
 * measured for the stack are the stack's, and N clients do not share its event loop.
 *
 * - push: N subscribers on the episode's channel, each its own WebSocket connection (client/realtime.ts), recording
 *   every event it receives (seq, type, commit time) and when;
 * - poll: N clients polling `GET /api/v1/episode/{id}` once a second (as today's clients do), each with its own token,
 *   recording when it first sees each state.
 * Every loop is bounded: a client stops at the episode's end or at the deadline.
 */
import WebSocket from 'ws';
import { connectRealtime, type RealtimeConnection, type RealtimeSocketConstructor } from '../client/realtime.ts';
import { liveChannel, type LiveEvent } from '../lambda/domain/live.ts';
import { sleep } from './measure.ts';

export interface WatchersConfig {
  mode: 'push' | 'poll';
  tokens: string[];
  episodeId: string;
  realtimeUrl: string;
  httpUrl: string;
  apiUrl: string;
  /** Epoch ms after which every client stops. */
  deadline: number;
  /** Connections opened at once (push). */
  connectConcurrency: number;
}

/** What one client saw: [seq or state key, commit time (push; 0 for poll), received at]. */
export type Receipt = [key: number | string, committedAt: number, receivedAt: number];

export type WatchersMessage =
  | { kind: 'ready'; connected: number; failed: number }
  | { kind: 'done'; receipts: Receipt[][]; errors: number; bodyBytes: number };

/** Resolves once the message is out (disconnecting with a message still queued crashes Node 20's IPC). */
const send = (m: WatchersMessage) => new Promise<void>((resolve, reject) => process.send!(m, undefined, {}, (err) => (err ? reject(err) : resolve())));
const isEnd = (state: string) => state === 'ENDED' || state === 'CANCELLED';

async function push(c: WatchersConfig): Promise<void> {
  const receipts: Receipt[][] = c.tokens.map(() => []);
  const connections: RealtimeConnection[] = [];
  let failed = 0;
  let ended = 0;
  const sawEnd = c.tokens.map(() => false);
  let allEnded!: () => void;
  const done = new Promise<void>((r) => (allEnded = r));
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(c.connectConcurrency, c.tokens.length) }, async () => {
      while (next < c.tokens.length) {
        const i = next++;
        try {
          const live = await connectRealtime({
            realtimeUrl: c.realtimeUrl,
            httpUrl: c.httpUrl,
            token: () => Promise.resolve(c.tokens[i]),
            WebSocket: WebSocket as unknown as RealtimeSocketConstructor,
          });
          connections.push(live);
          await live.subscribe(liveChannel(c.episodeId), (data) => {
            const e = data as LiveEvent;
            receipts[i].push([e.seq, e.server_time, Date.now()]);
            if (isEnd(e.episode.state) && !sawEnd[i]) {
              sawEnd[i] = true;
              if (++ended === c.tokens.length - failed) allEnded();
            }
          });
        } catch {
          failed++;
        }
      }
    }),
  );
  await send({ kind: 'ready', connected: c.tokens.length - failed, failed });
  await Promise.race([done, sleep(Math.max(0, c.deadline - Date.now()))]);
  for (const live of connections) live.close();
  await send({ kind: 'done', receipts, errors: failed, bodyBytes: 0 });
}

async function poll(c: WatchersConfig): Promise<void> {
  const receipts: Receipt[][] = c.tokens.map(() => []);
  let errors = 0;
  let bodyBytes = 0;
  await send({ kind: 'ready', connected: c.tokens.length, failed: 0 });
  await Promise.all(
    c.tokens.map(async (token, i) => {
      // Clients are not in step: each starts somewhere in the first second.
      await sleep((i * 1000) / c.tokens.length);
      const seen = new Set<string>();
      while (Date.now() < c.deadline) {
        const started = Date.now();
        try {
          const res = await fetch(`${c.apiUrl}/api/v1/episode/${c.episodeId}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
          const text = await res.text();
          if (res.status !== 200) throw new Error(String(res.status));
          bodyBytes = text.length;
          const view = JSON.parse(text) as { state: string; current_question_index: number };
          const key = `${view.state}#${view.current_question_index}`;
          if (!seen.has(key)) {
            seen.add(key);
            receipts[i].push([key, 0, Date.now()]);
          }
          if (isEnd(view.state)) return;
        } catch {
          errors++;
        }
        await sleep(Math.max(0, 1000 - (Date.now() - started)));
      }
    }),
  );
  await send({ kind: 'done', receipts, errors, bodyBytes });
}

process.once('message', (config: WatchersConfig) => {
  (config.mode === 'push' ? push(config) : poll(config))
    .catch((err: unknown) => {
      console.error(`[bench:live watchers] ${(err as Error).message}`);
      process.exitCode = 1;
    })
    .finally(() => process.disconnect());
});
