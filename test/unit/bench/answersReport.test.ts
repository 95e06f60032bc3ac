/** The answers bench's figures (bench/answers/report.ts): per-answer throughput, latency, writes, compute and price. */
import { describe, expect, it } from 'vitest';
import { computeBetween, pathResult, type PathMeasurement } from '../../../bench/answers/report.ts';
import { costPerMillionAnswers } from '../../../bench/cost.ts';
import { functions } from '../../../lib/wiring.ts';

const source = (invocations: number, totalMs: number) => ({ invocations, records: invocations, failedRecords: 0, errors: 0, totalMs });

describe('answers bench figures', () => {
  it('counts the answer path’s functions between two snapshots, and nothing else', () => {
    const before = { 'http:submitResponse': source(10, 1000), 'sqs:answers->recordAnswers': source(2, 400) };
    const after = {
      'http:submitResponse': source(110, 3000),
      'sqs:answers->recordAnswers': source(12, 1400),
      'stream:responses->scoreResponses': source(5, 500),
      'http:getEpisode': source(50, 9000),
    };
    const { invocations, gbSeconds } = computeBetween(before, after);
    expect(invocations).toBe(100 + 10 + 5);
    const gb = (id: keyof typeof functions, ms: number) => (ms / 1000) * (functions[id].memorySize / 1024);
    expect(gbSeconds).toBeCloseTo(gb('submitResponse', 2000) + gb('recordAnswers', 1000) + gb('scoreResponses', 500), 9);
  });

  it('turns a measurement into per-answer figures and the modelled price', () => {
    const m: PathMeasurement = {
      answers: 1000,
      seconds: 4,
      latencies: Array.from({ length: 100 }, (_, i) => i + 1),
      meter: { writes: 1500, reads: 300, writesByTable: {}, hottestItem: { item: 'statistics#x', writes: 20 }, faultsInjected: 0 },
      compute: { invocations: 1100, gbSeconds: 12 },
      sqsRequests: 1200,
      closeToFinalMs: 640,
      cpu: { node: 1, dynamodb_local: 1 },
    };
    const cost = costPerMillionAnswers({ answers: 1000, dynamoWrites: 1500, dynamoReads: 300, httpRequests: 1000, sqsRequests: 1200, lambdaInvocations: 1100, lambdaGbSeconds: 12 });
    expect(pathResult(m)).toEqual({
      answers_per_second: 250,
      p50_ms: 50,
      p99_ms: 99,
      close_to_final_ms: 640,
      writes_per_answer: 1.5,
      hottest_item_writes_per_answer: 0.02,
      cost_per_million_usd: Math.round(cost * 100) / 100,
    });
  });
});
