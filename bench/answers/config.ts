/** The answers bench's flags and fixed figures (`npm run bench -- --players N --concurrency C --accuracy p --out FILE`). */
import { parseArgs } from 'node:util';

export interface BenchConfig {
  players: number;
  concurrency: number;
  accuracy: number;
  out: string;
  warmupPlayers: number;
}

/** The question every show asks: three options, the second is right. */
export const OPTIONS = ['A', 'B', 'C'];
export const RIGHT = 1;
export const WINDOW_SECONDS = 30;
export const REVEAL_SECONDS = 5;

export function readConfig(args = process.argv.slice(2)): BenchConfig {
  const { values: flags } = parseArgs({
    args,
    options: {
      players: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '64' },
      accuracy: { type: 'string', default: '0.7' },
      out: { type: 'string', default: 'bench-results.json' },
    },
  });
  const players = Number(flags.players);
  return { players, concurrency: Number(flags.concurrency), accuracy: Number(flags.accuracy), out: flags.out, warmupPlayers: Math.min(players, 300) };
}

export const log = (...parts: unknown[]) => console.error('[bench]', ...parts);
