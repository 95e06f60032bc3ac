/**
 * The server's clock. One seam, so tests can pin time without touching the handlers.
 *
 * Test time control (local stack only): tests can move the clock ahead, or make it run faster, to play days of shows
 * quickly. The clock reads `at` (clock ms) when real time was `anchor` (real ms) and runs at `speed` from there:
 * `now = at + (Date.now() - anchor) * speed`. Settings come from the file named by LOCAL_CLOCK_FILE (JSON
 * `{at, anchor, speed}`, re-read when it changes) or from LOCAL_CLOCK_OFFSET_MS / LOCAL_CLOCK_SPEED.
 *
 * They are read only when STAGE=local and LOCAL=true, and never inside a real Lambda (AWS_LAMBDA_FUNCTION_NAME is
 * set there): a deployed stack cannot switch this on. The CDK stack never gives a function any of these variables
 * (test/infra/analytics.test.ts checks it).
 */
import { readFileSync, statSync } from 'node:fs';

export interface ClockSettings {
  /** The clock's reading at `anchor`. */
  at: number;
  /** Real time (Date.now()) at which the clock read `at`. */
  anchor: number;
  /** Clock ms per real ms: 1 runs normally, 60 plays a minute a second, 0 stops the clock. */
  speed: number;
}

export const LOCAL_CLOCK_VARIABLES = ['LOCAL_CLOCK_FILE', 'LOCAL_CLOCK_OFFSET_MS', 'LOCAL_CLOCK_SPEED'] as const;

/** True only in the local stack's runtime. */
export function testClockAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.STAGE === 'local' && env.LOCAL === 'true' && !env.AWS_LAMBDA_FUNCTION_NAME;
}

export function clockReading(settings: ClockSettings | undefined, realNow: number): number {
  if (!settings) return realNow;
  return Math.round(settings.at + (realNow - settings.anchor) * settings.speed);
}

/** Real milliseconds until `clockMs` of clock time have passed (for sleeps and queue delays). */
export function realDuration(settings: ClockSettings | undefined, clockMs: number): number {
  if (!settings || settings.speed === 1) return clockMs;
  if (settings.speed <= 0) return clockMs; // a stopped clock: wait as long as the real duration, nothing better to do
  return clockMs / settings.speed;
}

export function parseClockSettings(raw: unknown): ClockSettings | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const { at, anchor, speed } = raw as Record<string, unknown>;
  if (typeof at !== 'number' || typeof anchor !== 'number' || !Number.isFinite(at) || !Number.isFinite(anchor)) return undefined;
  const s = speed === undefined ? 1 : speed;
  if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) return undefined;
  return { at, anchor, speed: s };
}

/** Settings that make the clock run `offsetMs` ahead of real time at `speed`, starting now. */
export function clockAhead(offsetMs: number, speed = 1, realNow = Date.now()): ClockSettings {
  return { at: realNow + offsetMs, anchor: realNow, speed };
}

/** How stale the clock file's settings can be: a function re-reads the file at most this often. */
export const CLOCK_RECHECK_MS = 100;
const fromEnv = (() => {
  if (!testClockAllowed()) return undefined;
  const offset = Number(process.env.LOCAL_CLOCK_OFFSET_MS ?? 0);
  const speed = Number(process.env.LOCAL_CLOCK_SPEED ?? 1);
  if ((!offset && speed === 1) || !Number.isFinite(offset) || !Number.isFinite(speed) || speed < 0) return undefined;
  const started = Date.now();
  return { at: started + offset, anchor: started, speed };
})();

let fileState: { checkedAt: number; mtimeMs: number; settings: ClockSettings | undefined } | undefined;

function fileSettings(): ClockSettings | undefined {
  const file = process.env.LOCAL_CLOCK_FILE;
  if (!file || !testClockAllowed()) return undefined;
  const real = Date.now();
  if (fileState && real - fileState.checkedAt < CLOCK_RECHECK_MS) return fileState.settings;
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    /* no file: the real clock */
  }
  if (fileState && fileState.mtimeMs === mtimeMs) {
    fileState.checkedAt = real;
    return fileState.settings;
  }
  let settings: ClockSettings | undefined;
  if (mtimeMs >= 0) {
    try {
      settings = parseClockSettings(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      settings = undefined; // a half-written file: read again next time
      mtimeMs = -2;
    }
  }
  fileState = { checkedAt: real, mtimeMs, settings };
  return settings;
}

/** The clock settings in force, if any (local test time control). */
const currentClockSettings = (): ClockSettings | undefined => fileSettings() ?? fromEnv;

export const now = (): number => clockReading(currentClockSettings(), Date.now());

/** Real milliseconds to wait for `clockMs` of clock time. */
export const realMs = (clockMs: number): number => realDuration(currentClockSettings(), clockMs);
