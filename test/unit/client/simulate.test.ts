/** The bots' choices and the bounded concurrency the simulation runs them with. */
import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../client/bots.ts';
import { QUESTION_BANK, pickAnswer } from '../../../client/simulate.ts';

const seeded = (seed = 7) => () => ((seed = (seed * 16807) % 2147483647) / 2147483647);

describe('pickAnswer', () => {
  it('always right with accuracy 1, never with accuracy 0 (and always a valid option)', () => {
    const random = seeded();
    for (let i = 0; i < 200; i++) {
      expect(pickAnswer(2, 4, 1, random)).toBe(2);
      const wrong = pickAnswer(2, 4, 0, random);
      expect(wrong).not.toBe(2);
      expect(wrong).toBeGreaterThanOrEqual(0);
      expect(wrong).toBeLessThan(4);
    }
  });

  it('is right about as often as the accuracy says, and spreads wrong answers over the other options', () => {
    const random = seeded(11);
    const picks = Array.from({ length: 4000 }, () => pickAnswer(0, 3, 0.7, random));
    const right = picks.filter((p) => p === 0).length / picks.length;
    expect(right).toBeGreaterThan(0.67);
    expect(right).toBeLessThan(0.73);
    expect(new Set(picks)).toEqual(new Set([0, 1, 2]));
  });

  it('has a bank of well-formed questions', () => {
    for (const q of QUESTION_BANK) {
      expect(q.options.length).toBeGreaterThanOrEqual(2);
      expect(q.options.length).toBeLessThanOrEqual(4);
      expect(q.answer).toBeLessThan(q.options.length);
    }
  });
});

describe('mapLimit', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit(Array.from({ length: 25 }, (_, i) => i), 4, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, (n * 7) % 5));
      running--;
      return n * 2;
    });
    expect(out).toEqual(Array.from({ length: 25 }, (_, i) => i * 2));
    expect(peak).toBe(4);
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});
