/** The local stack's source statistics (lib/local/stats.ts) and its clean-up order (lib/local/cleanups.ts). */
import { describe, expect, it } from 'vitest';
import { createCleanups } from '../../../lib/local/cleanups.ts';
import { createSourceCounters } from '../../../lib/local/stats.ts';
import { silentLog } from '../../../lib/local/log.ts';

describe('source counters', () => {
  it('adds up invocations, records, failures, errors and time per source', () => {
    const counters = createSourceCounters();
    counters.count({ source: 'sqs:answers->recordAnswers', records: 10, failed: 0, ms: 12 });
    counters.count({ source: 'sqs:answers->recordAnswers', records: 4, failed: 2, ms: 8, error: 'boom' });
    counters.count({ source: 'http:health', records: 1, failed: 0, ms: 3 });
    expect(counters.snapshot()).toEqual({
      'sqs:answers->recordAnswers': { invocations: 2, records: 14, failedRecords: 2, errors: 1, totalMs: 20 },
      'http:health': { invocations: 1, records: 1, failedRecords: 0, errors: 0, totalMs: 3 },
    });
  });

  it('hands out copies: a snapshot does not move with later counts', () => {
    const counters = createSourceCounters();
    counters.count({ source: 'schedule:episodeRunner', records: 1, failed: 0, ms: 1 });
    const before = counters.snapshot();
    counters.count({ source: 'schedule:episodeRunner', records: 1, failed: 0, ms: 1 });
    expect(before['schedule:episodeRunner'].invocations).toBe(1);
    expect(counters.snapshot()['schedule:episodeRunner'].invocations).toBe(2);
  });
});

describe('clean-ups', () => {
  it('run last in, first out, and a failing step does not stop the others', async () => {
    const ran: string[] = [];
    const warnings: string[] = [];
    const cleanups = createCleanups({ ...silentLog, warn: (message: string) => void warnings.push(message) });
    cleanups.add(() => void ran.push('peers'));
    cleanups.add(() => {
      ran.push('runtime');
      throw new Error('already stopped');
    });
    cleanups.add(async () => void ran.push('pollers'));
    await cleanups.run();
    expect(ran).toEqual(['pollers', 'runtime', 'peers']);
    expect(warnings).toEqual(['clean-up step failed']);
    await cleanups.run();
    expect(ran).toHaveLength(3);
  });
});
