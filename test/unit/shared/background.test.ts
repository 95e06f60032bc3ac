/** lambda/shared/background.ts: writes that do not hold up a response, bounded by back-pressure instead of dropping. */
import { describe, expect, it } from 'vitest';
import { backgroundSettled, inBackground, pendingBackgroundWrites } from '../../../lambda/shared/background.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
/** Lets every callback that is already due run (no timers involved). */
const drain = () => new Promise<void>((r) => setImmediate(r));

describe('inBackground', () => {
  it('starts a write at once and does not wait for it', async () => {
    const gate = deferred();
    let started = false;
    await inBackground('a write', async () => {
      started = true;
      await gate.promise;
    });
    await drain();
    expect(started).toBe(true);
    expect(pendingBackgroundWrites()).toBe(1);
    gate.resolve();
    await backgroundSettled();
    expect(pendingBackgroundWrites()).toBe(0);
  });

  it('at the bound, holds the caller until a write finishes, and drops none', async () => {
    const gates = [deferred(), deferred(), deferred()];
    const done: number[] = [];
    const write = (n: number) => async () => {
      await gates[n].promise;
      done.push(n);
    };
    await inBackground('first', write(0), 2);
    await inBackground('second', write(1), 2);
    let thirdAdmitted = false;
    const third = inBackground('third', write(2), 2).then(() => (thirdAdmitted = true));
    await drain();
    expect(thirdAdmitted).toBe(false);
    expect(pendingBackgroundWrites()).toBe(2);
    gates[1].resolve();
    await third;
    expect(thirdAdmitted).toBe(true);
    gates[0].resolve();
    gates[2].resolve();
    await backgroundSettled();
    expect(done.sort()).toEqual([0, 1, 2]);
  });

  it('logs a failed write instead of throwing it at the caller', async () => {
    await expect(inBackground('a failing write', () => Promise.reject(new Error('table unavailable')))).resolves.toBeUndefined();
    await expect(backgroundSettled()).resolves.toBeUndefined();
    expect(pendingBackgroundWrites()).toBe(0);
  });
});
