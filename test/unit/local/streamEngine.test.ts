import { describe, expect, it } from 'vitest';
import { nextStep, streamVerdict, type BatchPlan } from '../../../lib/local/streamPoller.ts';

const seqs = ['101', '102', '103', '104'];

describe('stream responses (Lambda’s ReportBatchItemFailures rules)', () => {
  it('treats no response or an empty list as success', () => {
    for (const result of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(streamVerdict(result, seqs)).toEqual({ kind: 'success' });
    }
  });

  it('retries from the lowest reported sequence number', () => {
    const failures = { batchItemFailures: [{ itemIdentifier: '104' }, { itemIdentifier: '102' }] };
    expect(streamVerdict(failures, seqs)).toEqual({ kind: 'partial', fromIndex: 1 });
  });

  it('fails the whole batch for an empty, missing or unknown item identifier', () => {
    for (const bad of [[{ itemIdentifier: '' }], [{ itemIdentifier: null }], [{ id: '101' }], [{ itemIdentifier: '999' }]]) {
      expect(streamVerdict({ batchItemFailures: bad }, seqs).kind).toBe('error');
    }
  });
});

/** Runs the engine over records 1…n with a handler, the way the poller does (without the I/O). */
function simulate(n: number, batchSize: number, handler: (batch: number[]) => unknown, retryAttempts: number) {
  let records = Array.from({ length: n }, (_, i) => i + 1);
  let plan: BatchPlan = { pending: [], attempts: 0 };
  const batches: number[][] = [];
  const discarded: number[][] = [];
  while (records.length && batches.length < 100) {
    const size = Math.min(plan.pending[0] ?? batchSize, records.length);
    const batch = records.slice(0, size);
    batches.push(batch);
    let result: unknown;
    let threw = false;
    try {
      result = handler(batch);
    } catch {
      threw = true;
    }
    const verdict = threw ? { kind: 'error' as const, reason: 'threw' } : streamVerdict(result, batch.map(String));
    const step = nextStep(verdict, size, plan, { retryAttempts, bisect: true });
    if (step.action === 'discard') discarded.push(batch);
    const consumed = step.action === 'retry' ? step.advance : step.count;
    records = records.slice(consumed);
    plan = step.plan;
  }
  return { batches, discarded };
}

describe('stream batch engine: checkpoint, bisect, retry, discard', () => {
  it('moves on after a successful batch', () => {
    expect(simulate(5, 2, () => undefined, 3).batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('isolates a poison record by bisecting, then discards it after its retries', () => {
    const { batches, discarded } = simulate(8, 8, (b) => {
      if (b.includes(6)) throw new Error('poison');
    }, 3);
    // Halves are tried in order; the retry count restarts whenever the head record moves on.
    expect(batches).toEqual([[1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4], [5, 6, 7, 8], [5, 6], [5], [6], [6], [6], [6], [7, 8]]);
    expect(discarded).toEqual([[6]]);
    const delivered = batches.filter((b) => !b.includes(6)).flat();
    expect(delivered.sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 7, 8]);
  });

  it('with a partial response, retries only the rest of the batch from the failed record', () => {
    let first = true;
    const { batches, discarded } = simulate(5, 5, () => {
      if (first) {
        first = false;
        return { batchItemFailures: [{ itemIdentifier: '4' }, { itemIdentifier: '3' }] };
      }
      return { batchItemFailures: [] };
    }, 3);
    expect(batches).toEqual([[1, 2, 3, 4, 5], [3, 4, 5]]);
    expect(discarded).toEqual([]);
  });

  it('counts a failure without progress as a retry, and gives up after retryAttempts retries', () => {
    const { batches, discarded } = simulate(1, 1, () => ({ batchItemFailures: [{ itemIdentifier: '1' }] }), 2);
    expect(batches).toEqual([[1], [1], [1]]);
    expect(discarded).toEqual([[1]]);
  });

  it('retries forever with retryAttempts -1 (bounded here by the simulation)', () => {
    const { batches, discarded } = simulate(1, 1, () => {
      throw new Error('down');
    }, -1);
    expect(batches.length).toBe(100);
    expect(discarded).toEqual([]);
  });
});
