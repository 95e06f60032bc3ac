/**
 * The audience of `npm run bench:live`: N watchers spread over K processes of their own (bench/liveWatchers.ts), as
 * one. N phones each read their own socket; one process reading N sockets in turn would add its own queue to the lag
 * it measures (the last of N frames waits for the N − 1 before it), so the audience gets as many processes as the
 * machine has cores, and the stack's CPU and memory stay the stack's. For the same reason the audience runs at a lower
 * CPU priority (`nice`): the phones of a real show have CPUs of their own, and here the stack (which stands in for
 * AWS) would otherwise be preempted by the clients it is writing to.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Receipt, WatchersConfig, WatchersMessage } from './liveWatchers.ts';
import { cpuOf, rssMbOf, within } from './measure.ts';

type Ready = Extract<WatchersMessage, { kind: 'ready' }>;
type Done = Extract<WatchersMessage, { kind: 'done' }>;

/** One watcher process and what it has said so far. */
class Watchers {
  readonly child: ChildProcess;
  private readonly messages: WatchersMessage[] = [];
  private wake: () => void = () => {};

  constructor(config: WatchersConfig, nice: number) {
    this.child = fork(fileURLToPath(new URL('./liveWatchers.ts', import.meta.url)), [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    setPriority(this.child.pid!, nice);
    this.child.on('message', (m: WatchersMessage) => {
      this.messages.push(m);
      this.wake();
    });
    this.child.send(config);
  }

  async next<K extends WatchersMessage['kind']>(kind: K, deadline: number): Promise<Extract<WatchersMessage, { kind: K }>> {
    for (;;) {
      const m = this.messages.find((x) => x.kind === kind);
      if (m) return m as Extract<WatchersMessage, { kind: K }>;
      if (Date.now() > deadline || this.child.exitCode !== null) throw new Error(`the ${kind === 'ready' ? 'audience' : 'show'}'s watchers sent no ${kind}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 1000);
      });
    }
  }
}

export class Audience {
  private readonly parts: Watchers[];

  /** Splits `config.tokens` into `processes` contiguous shares, one process each, at CPU priority `nice` (0–19). */
  constructor(
    config: WatchersConfig,
    { processes, nice }: { processes: number; nice: number },
    private readonly timeoutMs: number,
  ) {
    const share = Math.ceil(config.tokens.length / processes);
    this.parts = Array.from(
      { length: Math.min(processes, config.tokens.length) },
      (_, i) => new Watchers({ ...config, tokens: config.tokens.slice(i * share, (i + 1) * share) }, nice),
    );
  }

  /** Once every watcher has connected (or failed to). */
  async ready(): Promise<Ready> {
    const deadline = Date.now() + this.timeoutMs;
    const all = await Promise.all(this.parts.map((p) => p.next('ready', deadline)));
    return { kind: 'ready', connected: sum(all.map((r) => r.connected)), failed: sum(all.map((r) => r.failed)) };
  }

  /** Every watcher's receipts, in token order, once the show is over for all of them. */
  async done(): Promise<Done> {
    const deadline = Date.now() + this.timeoutMs;
    const all = await Promise.all(this.parts.map((p) => p.next('done', deadline)));
    return { kind: 'done', receipts: all.flatMap((d) => d.receipts) as Receipt[][], errors: sum(all.map((d) => d.errors)), bodyBytes: Math.max(...all.map((d) => d.bodyBytes)) };
  }

  cpuMs(): number {
    return sum(this.parts.map((p) => cpuOf(p.child.pid!)));
  }

  rssMb(): number {
    return sum(this.parts.map((p) => rssMbOf(p.child.pid!)));
  }

  /** Each process ends on its own once it has reported; a straggling socket gets `graceMs`, then it is stopped. */
  async stop(graceMs: number): Promise<void> {
    await Promise.all(
      this.parts.map(async ({ child }) => {
        await within(new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r))), graceMs);
        if (child.exitCode === null) child.kill();
      }),
    );
  }
}

const sum = (values: number[]) => values.reduce((t, v) => t + v, 0);
