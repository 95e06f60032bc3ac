/**
 * Test time control: the clock moves only in the local stack (STAGE=local and LOCAL=true, outside a real Lambda),
 * from a settings file tests write or from fixed variables.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clockAhead, clockReading, parseClockSettings, realDuration, testClockAllowed } from '../../../lambda/shared/clock.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('the clock formula', () => {
  it('reads `at` at `anchor`, then runs at `speed`', () => {
    const s = { at: 5_000_000, anchor: 1_000, speed: 60 };
    expect(clockReading(s, 1_000)).toBe(5_000_000);
    expect(clockReading(s, 2_000)).toBe(5_060_000);
    expect(clockReading(undefined, 1234)).toBe(1234);
    expect(clockReading({ at: 10, anchor: 0, speed: 0 }, 99_999)).toBe(10);
    expect(clockAhead(86_400_000, 1, 1_000)).toEqual({ at: 86_401_000, anchor: 1_000, speed: 1 });
  });

  it('turns clock durations into real ones for sleeps and queue delays', () => {
    expect(realDuration(undefined, 10_000)).toBe(10_000);
    expect(realDuration({ at: 0, anchor: 0, speed: 10 }, 10_000)).toBe(1_000);
    expect(realDuration({ at: 0, anchor: 0, speed: 0 }, 10_000)).toBe(10_000);
  });

  it('accepts only well-formed settings', () => {
    expect(parseClockSettings({ at: 1, anchor: 2 })).toEqual({ at: 1, anchor: 2, speed: 1 });
    expect(parseClockSettings({ at: 1, anchor: 2, speed: -1 })).toBeUndefined();
    expect(parseClockSettings({ at: '1', anchor: 2 })).toBeUndefined();
    expect(parseClockSettings(null)).toBeUndefined();
  });
});

describe('who may move it', () => {
  it('only the local stack: STAGE=local and LOCAL=true, and never inside a real Lambda', () => {
    expect(testClockAllowed({ STAGE: 'local', LOCAL: 'true' })).toBe(true);
    expect(testClockAllowed({ STAGE: 'prod', LOCAL: 'true' })).toBe(false);
    expect(testClockAllowed({ STAGE: 'local' })).toBe(false);
    expect(testClockAllowed({ STAGE: 'local', LOCAL: 'true', AWS_LAMBDA_FUNCTION_NAME: 'TriviaLive-prod-fn' })).toBe(false);
  });

  it('follows the settings file in the local stack, and ignores it anywhere else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clock-'));
    try {
      const file = join(dir, 'clock.json');
      const dayAhead = 86_400_000;
      writeFileSync(file, JSON.stringify(clockAhead(dayAhead)));
      vi.stubEnv('LOCAL_CLOCK_FILE', file);
      vi.stubEnv('STAGE', 'local');
      vi.stubEnv('LOCAL', 'true');
      vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', '');
      const local = await import('../../../lambda/shared/clock.ts');
      expect(local.now() - Date.now()).toBeGreaterThan(dayAhead - 1000);
      expect(local.realMs(5000)).toBe(5000);

      vi.resetModules();
      vi.stubEnv('STAGE', 'prod');
      const deployed = await import('../../../lambda/shared/clock.ts');
      expect(Math.abs(deployed.now() - Date.now())).toBeLessThan(1000);

      vi.resetModules();
      vi.stubEnv('STAGE', 'local');
      vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'trivia-fn');
      const inLambda = await import('../../../lambda/shared/clock.ts');
      expect(Math.abs(inLambda.now() - Date.now())).toBeLessThan(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a fixed offset and speed from the environment in the local stack', async () => {
    vi.stubEnv('STAGE', 'local');
    vi.stubEnv('LOCAL', 'true');
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', '');
    vi.stubEnv('LOCAL_CLOCK_FILE', '');
    vi.stubEnv('LOCAL_CLOCK_OFFSET_MS', String(3_600_000));
    vi.stubEnv('LOCAL_CLOCK_SPEED', '2');
    const clock = await import('../../../lambda/shared/clock.ts');
    expect(clock.now() - Date.now()).toBeGreaterThan(3_600_000 - 1000);
    expect(clock.realMs(2000)).toBe(1000);
  });
});
