/** The refusal phase's figures (bench/answers/refusals.ts): latency summary, the archive's count, the lost refusals. */
import { describe, expect, it } from 'vitest';
import { latencySummary, missingRecords, refusedVsAccepted, rejectionsByCode } from '../../../bench/answers/refusals.ts';

const event = (type: string, episode: string, code?: string) => JSON.stringify({ id: `${type}-${episode}-${code}`, type, episode_id: episode, data: code ? { code } : {} });

describe('refusal phase figures', () => {
  it('summarizes sorted latencies as p50, p95, p99 and max', () => {
    const sorted = Array.from({ length: 200 }, (_, i) => i + 1);
    expect(latencySummary(sorted)).toEqual({ p50_ms: 100, p95_ms: 190, p99_ms: 198, max_ms: 200 });
  });

  it('counts one episode’s response.rejected events by code, and nothing else in the file', () => {
    const lines = [
      event('response.rejected', 'ep-r', 'duplicate_answer'),
      event('response.rejected', 'ep-r', 'duplicate_answer'),
      event('response.rejected', 'ep-r', 'answer_window_closed'),
      event('response.rejected', 'other', 'duplicate_answer'),
      event('response.accepted', 'ep-r'),
      '',
    ].join('\n');
    expect(rejectionsByCode(lines, 'ep-r')).toEqual({ duplicate_answer: 2, answer_window_closed: 1 });
    expect(rejectionsByCode('', 'ep-r')).toEqual({});
  });

  it('names the refusals the archive lacks, by code, and none when every one is there', () => {
    expect(missingRecords({ duplicate_answer: 5, answer_window_closed: 2 }, { duplicate_answer: 3 })).toEqual({ duplicate_answer: 2, answer_window_closed: 2 });
    expect(missingRecords({ duplicate_answer: 5 }, { duplicate_answer: 5 })).toEqual({});
  });

  it('puts a refused answer’s figures beside an accepted one’s and counts the lost', () => {
    const cpu = { node: 2, dynamodb_local: 1 };
    const result = refusedVsAccepted(
      { latencies: [10, 20, 30, 40], cpu },
      { latencies: [5, 6, 7], cpu: { node: 1, dynamodb_local: 0.5 }, refused_by_code: { duplicate_answer: 3 }, unexpected: 0, recorded_by_code: { duplicate_answer: 2 } },
    );
    expect(result.accepted).toEqual({ answers: 4, p50_ms: 20, p95_ms: 40, p99_ms: 40, max_ms: 40, cpu_ms_per_answer: cpu });
    expect(result.refused).toMatchObject({ answers: 3, p50_ms: 6, p99_ms: 7, max_ms: 7 });
    expect(result.lost).toBe(1);
  });
});
