/**
 * bench/measure.ts's `within`: a wait with a deadline whose timer ends with the race, so that a bench that is done
 * exits then, not when its longest deadline would have passed.
 */
import { describe, expect, it } from 'vitest';
import { within } from '../../../bench/measure.ts';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('within', () => {
  it('gives the promise’s value and leaves no timer behind', async () => {
    const before = timers();
    expect(await within(Promise.resolve('ended'), 600_000)).toBe('ended');
    expect(timers()).toBe(before);
  });

  it('gives undefined once the time is up, while the promise is still pending', async () => {
    expect(await within(new Promise(() => {}), 5)).toBeUndefined();
  });

  it('passes the promise’s rejection on, and leaves no timer behind', async () => {
    const before = timers();
    await expect(within(Promise.reject(new Error('no show')), 600_000)).rejects.toThrow('no show');
    expect(timers()).toBe(before);
  });
});
