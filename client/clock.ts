/**
 * The server's clock, estimated from `server_time` in responses, NTP-style: a sample taken with a request sent at t0
 * and answered at t1 says offset = server_time − (t0 + t1) / 2, good to ± (t1 − t0) / 2. Of the recent samples the one
 * with the shortest round trip wins (the least queueing, so the tightest bound).
 */
export interface ClockSample {
  offsetMs: number;
  rttMs: number;
  at: number;
}

export class ServerClock {
  private samples: ClockSample[] = [];

  constructor(
    private readonly now: () => number = Date.now,
    /** How many recent samples to choose from (default 16). */
    private readonly window = 16,
  ) {}

  /** Adds a sample: request sent at `sentAt`, answer received at `receivedAt` (local clock), carrying `serverTime`. */
  sample(sentAt: number, receivedAt: number, serverTime: number): ClockSample {
    const s = { offsetMs: serverTime - (sentAt + receivedAt) / 2, rttMs: Math.max(0, receivedAt - sentAt), at: receivedAt };
    this.samples.push(s);
    if (this.samples.length > this.window) this.samples.shift();
    return s;
  }

  /** The best sample (shortest round trip), or undefined before the first one. */
  best(): ClockSample | undefined {
    let best: ClockSample | undefined;
    for (const s of this.samples) if (!best || s.rttMs < best.rttMs) best = s;
    return best;
  }

  /** server clock − local clock, ms (0 before any sample). */
  offsetMs(): number {
    return Math.round(this.best()?.offsetMs ?? 0);
  }

  /** ± ms around the offset. */
  uncertaintyMs(): number | undefined {
    const b = this.best();
    return b ? b.rttMs / 2 : undefined;
  }

  /** The server's clock now, as well as it is known. */
  serverNow(): number {
    return this.now() + this.offsetMs();
  }

  get sampleCount(): number {
    return this.samples.length;
  }
}
