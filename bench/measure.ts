/** Measuring helpers shared by the benchmarks (bench/answers/, bench/live.ts, bench/clientEvents.ts). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `promise`'s value, or undefined once `ms` have passed; the timer ends with the race (a pending one would keep the process alive). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** /proc/<pid>/stat of a process: its command, parent and CPU time (user + system, ms; ticks of 10 ms, USER_HZ 100). */
function procStat(pid: string): { comm: string; ppid: string; cpuMs: number } {
  const [, comm, rest] = /^\d+ \((.*)\) (.*)$/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8').trim()) ?? [];
  const fields = rest.split(' ');
  return { comm, ppid: fields[1], cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 };
}

/** The Java children of this process (DynamoDB Local). */
export function javaChildren(): string[] {
  if (!existsSync('/proc/self/stat')) return [];
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const s = procStat(pid);
        return s.comm === 'java' && s.ppid === String(process.pid);
      } catch {
        return false; // the process ended while we looked
      }
    });
}

/**
 * CPU time (user + system, ms) of this process (all its threads) and of its Java children (DynamoDB Local), from
 * /proc (Linux; zero elsewhere).
 */
export function cpuNow(): { node: number; java: number } {
  if (!existsSync('/proc/self/stat')) return { node: 0, java: 0 };
  let java = 0;
  for (const pid of javaChildren()) {
    try {
      java += procStat(pid).cpuMs;
    } catch {
      // the process ended while we looked
    }
  }
  return { node: procStat(String(process.pid)).cpuMs, java };
}

/** CPU time (ms) of another process (a child this process started), from /proc; 0 where there is none. */
export function cpuOf(pid: number): number {
  try {
    return procStat(String(pid)).cpuMs;
  } catch {
    return 0;
  }
}

/** Resident memory (MB) of a process, from /proc/<pid>/status; 0 where there is none. */
export function rssMbOf(pid: number | string): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}
