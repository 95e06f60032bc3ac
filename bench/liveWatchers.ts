/**
 * One share of the audience of `npm run bench:live`, in a process of its own (bench/liveAudience.ts forks one per
 * core), so that the CPU and memory measured for the stack are the stack's, and N clients do not share its event loop.
 *
 * - push: N subscribers on the episode's channel, each its own WebSocket connection (client/realtime.ts connects and
 *   subscribes), stamping the bytes of its socket the moment they arrive and framing and reading them after the show
 *   (StampingSocket);
 * - poll: N clients polling `GET /api/v1/episode/{id}` once a second (as today's clients do), each with its own token,
 *   recording when it first sees each state.
 * Every loop is bounded: a client stops at the episode's end or at the deadline.
 */
import type { Socket } from 'node:net';
import WebSocket, { type RawData } from 'ws';
import { connectRealtime, type RealtimeConnection, type RealtimeSocket } from '../client/realtime.ts';
import { liveChannel, type LiveEvent } from '../lambda/domain/live.ts';
import { sleep, within } from './measure.ts';
import { textMessagesOf, type Chunk, type StampedText } from './wsFrames.ts';

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

const DATA_MESSAGE = '{"type":"data"';
const DATA_FRAME = Buffer.from(DATA_MESSAGE);
const ENDED = ['episode.ended', 'episode.cancelled'];

/** What one watcher received: `data` messages stamped by ws before it was subscribed, then its socket's raw bytes. */
interface Watcher {
  messages: StampedText[];
  chunks: Chunk[];
  socket?: StampingSocket;
  onEnd: () => void;
}

/**
 * A WebSocket for client/realtime.ts that keeps its events to itself, unparsed. Until the subscription is made it is
 * `ws`, and everything but `data` messages reaches the client as usual (ack, subscribe_success). Once the client has
 * subscribed, `takeSocket()` takes the TCP socket from `ws`: from then on every chunk of bytes is stamped the moment it
 * arrives and stored, and framed and parsed after the show (bench/wsFrames.ts).
 *
 * Why: the N sockets of a share of the audience are read by this process's one loop, and whatever it does per frame
 * before the next socket's frame is stamped (ws's framing and checks, converting, parsing) adds to that next
 * watcher's lag. With 2,500 watchers a process, the last would wait for 2,499 frames' work: the lag would then be the
 * audience's queue, not the channel's. A phone reads its one socket on a CPU of its own; here a frame is received when
 * its bytes reach the process, which is what a phone's own read would see.
 */
class StampingSocket implements RealtimeSocket {
  private readonly ws: WebSocket;
  private taken = false;
  constructor(
    url: string,
    protocols: string[],
    private readonly watcher: Watcher,
  ) {
    this.ws = new WebSocket(url, protocols);
    watcher.socket = this;
  }
  get readyState() {
    return this.ws.readyState;
  }
  send(data: string) {
    this.ws.send(data);
  }
  /** Once taken, the socket is not ws's any more: it is closed at once, without ws's closing handshake. */
  close(code?: number, reason?: string) {
    if (this.taken) this.ws.terminate();
    else this.ws.close(code, reason);
  }
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: { data?: unknown; code?: number; reason?: string }) => void) {
    if (type === 'message') {
      this.ws.on('message', (data: RawData) => {
        const bytes = data as Buffer;
        if (bytes.subarray(0, DATA_FRAME.length).equals(DATA_FRAME)) {
          const text = bytes.toString();
          this.watcher.messages.push([Date.now(), text]);
          if (ENDED.some((e) => text.includes(e))) this.watcher.onEnd();
        } else listener({ data: bytes.toString() });
      });
    } else if (type === 'close') this.ws.on('close', (code: number, reason: Buffer) => listener({ code, reason: reason.toString() }));
    else this.ws.on(type, () => listener({}));
  }
  /** From here on, the socket's bytes go to the watcher as they arrive, not to ws. */
  takeSocket() {
    const { _socket: socket, _receiver: receiver } = this.ws as unknown as { _socket?: Socket; _receiver?: { _bufferedBytes: number } };
    // A frame that ws has begun to read stays ws's, and so does the socket: its bytes would not frame from the middle.
    if (!socket || receiver?._bufferedBytes) return;
    this.taken = true;
    socket.removeAllListeners('data');
    const { chunks, onEnd } = this.watcher;
    socket.on('data', (bytes: Buffer) => {
      chunks.push([Date.now(), bytes]);
      // A native search of the chunk; the message that ends the show is a few hundred bytes, one chunk on loopback
      // (were it ever cut in two, the watcher would stop at the deadline instead).
      if (ENDED.some((e) => bytes.includes(e))) onEnd();
    });
  }
}

/** The receipts of one watcher's `data` messages. */
function receiptsOf({ messages, chunks }: Watcher): Receipt[] {
  const data = [...messages, ...textMessagesOf(chunks).filter(([, text]) => text.startsWith(DATA_MESSAGE))];
  return data.map(([receivedAt, text]) => {
    const e = JSON.parse((JSON.parse(text) as { event: string }).event) as LiveEvent;
    return [e.seq, e.server_time, receivedAt];
  });
}

async function push(c: WatchersConfig): Promise<void> {
  const watchers: Watcher[] = [];
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
        const watcher: Watcher = (watchers[i] = {
          messages: [],
          chunks: [],
          onEnd: () => {
            if (sawEnd[i]) return;
            sawEnd[i] = true;
            if (++ended === c.tokens.length - failed) allEnded();
          },
        });
        try {
          const live = await connectRealtime({
            realtimeUrl: c.realtimeUrl,
            httpUrl: c.httpUrl,
            token: () => Promise.resolve(c.tokens[i]),
            WebSocket: class extends StampingSocket {
              constructor(url: string, protocols: string[]) {
                super(url, protocols, watcher);
              }
            },
          });
          connections.push(live);
          // Its events never reach the client: the watcher keeps them (StampingSocket).
          await live.subscribe(liveChannel(c.episodeId), () => {});
          watcher.socket?.takeSocket();
        } catch {
          failed++;
        }
      }
    }),
  );
  await send({ kind: 'ready', connected: c.tokens.length - failed, failed });
  await within(done, Math.max(0, c.deadline - Date.now()));
  for (const live of connections) live.close();
  await send({ kind: 'done', receipts: watchers.map(receiptsOf), errors: failed, bodyBytes: 0 });
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
