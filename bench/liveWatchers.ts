/**
 * One share of the audience of `npm run bench:live`, in a process of its own (bench/liveAudience.ts forks one per
 * core), so that the CPU and memory measured for the stack are the stack's, and N clients do not share its event loop.
 *
 * - push: N subscribers on the episode's channel, each its own WebSocket connection (client/realtime.ts connects and
 *   subscribes), stamping every event frame the moment it arrives and reading it after the show (StampingSocket);
 * - poll: N clients polling `GET /api/v1/episode/{id}` once a second (as today's clients do), each with its own token,
 *   recording when it first sees each state.
 * Every loop is bounded: a client stops at the episode's end or at the deadline.
 */
import WebSocket, { type RawData } from 'ws';
import { connectRealtime, type RealtimeConnection, type RealtimeSocket, type RealtimeSocketConstructor } from '../client/realtime.ts';
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

/** A `data` frame as it arrived: when, and its text (read after the show). */
type Stamped = [receivedAt: number, frame: string];
const DATA_FRAME = Buffer.from('{"type":"data"');
const ENDED = /episode\.(ended|cancelled)/;

/**
 * A WebSocket for client/realtime.ts that keeps `data` frames to itself: each is stamped and stored as it arrives,
 * unparsed. N sockets share this process's one loop, and had the client parsed every frame (the message, then its
 * event) before the next one is stamped, the last of N watchers would wait for N − 1 parses: the lag would then be
 * the audience's own, not the channel's. Everything else (ack, subscribe_success, ka) reaches the client as usual.
 */
function stampingSocket(frames: Stamped[], onEnd: () => void): RealtimeSocketConstructor {
  return class StampingSocket implements RealtimeSocket {
    private readonly ws: WebSocket;
    constructor(url: string, protocols: string[]) {
      // ws checks every text frame's UTF-8 before it is handed over: a phone's cost, on its own CPU, which N watchers
      // sharing this machine's cores would add to the channel's lag (a quarter of a frame's CPU here). The frames are
      // still parsed after the show.
      this.ws = new WebSocket(url, protocols, { skipUTF8Validation: true });
    }
    get readyState() {
      return this.ws.readyState;
    }
    send(data: string) {
      this.ws.send(data);
    }
    close(code?: number, reason?: string) {
      this.ws.close(code, reason);
    }
    addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: { data?: unknown; code?: number; reason?: string }) => void) {
      if (type === 'message') {
        this.ws.on('message', (data: RawData) => {
          const bytes = data as Buffer;
          if (bytes.subarray(0, DATA_FRAME.length).equals(DATA_FRAME)) {
            const frame = bytes.toString();
            frames.push([Date.now(), frame]);
            if (ENDED.test(frame)) onEnd();
          } else listener({ data: bytes.toString() });
        });
      } else if (type === 'close') this.ws.on('close', (code: number, reason: Buffer) => listener({ code, reason: reason.toString() }));
      else this.ws.on(type, () => listener({}));
    }
  };
}

/** The receipts of one watcher's stamped frames. */
function receiptsOf(frames: Stamped[]): Receipt[] {
  return frames.map(([receivedAt, frame]) => {
    const e = JSON.parse((JSON.parse(frame) as { event: string }).event) as LiveEvent;
    return [e.seq, e.server_time, receivedAt];
  });
}

async function push(c: WatchersConfig): Promise<void> {
  const frames: Stamped[][] = c.tokens.map(() => []);
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
          const onEnd = () => {
            if (sawEnd[i]) return;
            sawEnd[i] = true;
            if (++ended === c.tokens.length - failed) allEnded();
          };
          const live = await connectRealtime({
            realtimeUrl: c.realtimeUrl,
            httpUrl: c.httpUrl,
            token: () => Promise.resolve(c.tokens[i]),
            WebSocket: stampingSocket(frames[i], onEnd),
          });
          connections.push(live);
          // Its events never reach the client: the socket keeps them (stampingSocket).
          await live.subscribe(liveChannel(c.episodeId), () => {});
        } catch {
          failed++;
        }
      }
    }),
  );
  await send({ kind: 'ready', connected: c.tokens.length - failed, failed });
  await Promise.race([done, sleep(Math.max(0, c.deadline - Date.now()))]);
  for (const live of connections) live.close();
  await send({ kind: 'done', receipts: frames.map(receiptsOf), errors: failed, bodyBytes: 0 });
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
