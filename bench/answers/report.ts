/** The answers bench's figures: each path's throughput, latency, writes and modelled price, their ratios, the JSON file and the table. */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { MeterSnapshot } from '../../lib/local/dynamoProxy.ts';
import type { SourceStats } from '../../lib/local/stats.ts';
import { functions, type FunctionId } from '../../lib/wiring.ts';
import { costPerMillionAnswers, PRICES } from '../cost.ts';
import { percentile, round } from '../measure.ts';
import type { BenchConfig } from './config.ts';
import { refusedVsAccepted, type RefusalPhase, type AnswerFigures } from './refusals.ts';
import type { CpuPerAnswer } from './setUp.ts';

export interface PathResult {
  answers_per_second: number;
  p50_ms: number;
  p99_ms: number;
  close_to_final_ms: number | null;
  writes_per_answer: number;
  hottest_item_writes_per_answer: number;
  cost_per_million_usd: number;
}

export interface PathMeasurement {
  answers: number;
  seconds: number;
  latencies: number[];
  meter: MeterSnapshot;
  compute: { invocations: number; gbSeconds: number };
  sqsRequests: number;
  closeToFinalMs: number | null;
  cpu: CpuPerAnswer;
}

/** The figures of one path: throughput, latency, DynamoDB writes and the modelled cost, per accepted answer. */
export function pathResult(p: PathMeasurement): PathResult {
  const cost = costPerMillionAnswers({
    answers: p.answers,
    dynamoWrites: p.meter.writes,
    dynamoReads: p.meter.reads,
    httpRequests: p.answers,
    sqsRequests: p.sqsRequests,
    lambdaInvocations: p.compute.invocations,
    lambdaGbSeconds: p.compute.gbSeconds,
  });
  return {
    answers_per_second: round(p.answers / p.seconds),
    p50_ms: round(percentile(p.latencies, 50)),
    p99_ms: round(percentile(p.latencies, 99)),
    close_to_final_ms: p.closeToFinalMs,
    writes_per_answer: round(p.meter.writes / p.answers, 3),
    hottest_item_writes_per_answer: round(p.meter.hottestItem.writes / p.answers, 4),
    cost_per_million_usd: round(cost, 2),
  };
}

/**
 * Lambda work of the answer path between two snapshots of the local stack's source statistics: invocations and
 * GB-seconds (measured durations × configured memory) of every function the path runs, HTTP, queue and stream alike.
 */
export function computeBetween(before: Record<string, SourceStats>, after: Record<string, SourceStats>) {
  let invocations = 0;
  let gbSeconds = 0;
  for (const [source, s] of Object.entries(after)) {
    const functionId = source.split(/->|:/).pop() as FunctionId;
    if (!['submitResponse', 'recordAnswers', 'scoreResponses', 'episodeRunner'].includes(functionId)) continue;
    const b = before[source] ?? { invocations: 0, totalMs: 0 };
    invocations += s.invocations - b.invocations;
    gbSeconds += ((s.totalMs - b.totalMs) / 1000) * (functions[functionId].memorySize / 1024);
  }
  return { invocations, gbSeconds };
}

/** Writes the results file and prints the table of both paths. */
export function report(config: BenchConfig, measured: { ours: PathMeasurement; baseline: PathMeasurement; refused: RefusalPhase }): void {
  const ours = pathResult(measured.ours);
  const baseline = pathResult(measured.baseline);
  const ratios = Object.fromEntries(
    (Object.keys(ours) as (keyof PathResult)[]).map((k) => [k, ours[k] === null || baseline[k] === null || baseline[k] === 0 ? null : round((ours[k] as number) / (baseline[k] as number), 3)]),
  );
  // DynamoDB Local has no per-partition limit, so the baseline's hot item costs it little here. On AWS one item takes
  // at most 1,000 writes/s (one partition): that caps a path at 1,000 / (hottest-item writes per answer) answers/s.
  const ceiling = (m: PathMeasurement) => (m.meter.hottestItem.writes === 0 ? null : Math.round((1000 * m.answers) / m.meter.hottestItem.writes));
  const awsPartitionCeiling = { ours: ceiling(measured.ours), baseline: ceiling(measured.baseline) };
  const refused = refusedVsAccepted(measured.ours, measured.refused);
  const results = {
    players: config.players,
    concurrency: config.concurrency,
    prices_as_of: PRICES.asOf,
    ours,
    baseline,
    ratios,
    // The same players' second answers (refused, recorded in the background) beside their accepted first ones.
    refused_answers: refused,
    hottest_items: { ours: measured.ours.meter.hottestItem, baseline: measured.baseline.meter.hottestItem },
    aws_partition_ceiling_answers_per_second: awsPartitionCeiling,
    // Both paths share this machine's cores: while a path runs, its answers/s is about cores ÷ CPU per answer.
    cpu_ms_per_answer_on_this_machine: { ours: measured.ours.cpu, baseline: measured.baseline.cpu },
  };
  writeFileSync(config.out, `${JSON.stringify(results, null, 2)}\n`);

  const rows: [string, keyof PathResult][] = [
    ['accepted answers/s (counted)', 'answers_per_second'],
    ['POST latency p50 ms', 'p50_ms'],
    ['POST latency p99 ms', 'p99_ms'],
    ['window close → final stats ms', 'close_to_final_ms'],
    ['DynamoDB writes per answer', 'writes_per_answer'],
    ['hottest item writes per answer', 'hottest_item_writes_per_answer'],
    ['modelled USD per million answers', 'cost_per_million_usd'],
  ];
  const cell = (v: unknown) => String(v ?? '—').padStart(12);
  console.log(`\n${'metric'.padEnd(34)}${'ours'.padStart(12)}${'baseline'.padStart(12)}${'ours/base'.padStart(12)}`);
  for (const [label, key] of rows) console.log(`${label.padEnd(34)}${cell(ours[key])}${cell(baseline[key])}${cell(ratios[key])}`);
  console.log(
    `\nOn AWS one item takes at most 1,000 writes/s: the hottest item caps ours at ${awsPartitionCeiling.ours ?? '—'} answers/s per show, the baseline at ${awsPartitionCeiling.baseline ?? '—'}.`,
  );
  printRefused(refused.accepted, refused.refused);
  console.log(`refused ${JSON.stringify(refused.refused_by_code)}; response.rejected events recorded ${JSON.stringify(refused.recorded_by_code)}; lost ${refused.lost}`);
  const cpuTotal = (c: CpuPerAnswer) => round(c.node + c.dynamodb_local, 1);
  console.log(
    `CPU per answer on this machine (Node processes + DynamoDB Local): ours ${cpuTotal(measured.ours.cpu)} ms, baseline ${cpuTotal(measured.baseline.cpu)} ms; both paths share its ${availableParallelism()} cores.`,
  );
  console.log(`${config.players} players, concurrency ${config.concurrency}, prices ${PRICES.region} as of ${PRICES.asOf}; written to ${config.out}`);
  console.log(
    `ratios ours/baseline: throughput ${ratios.answers_per_second}x, writes/answer ${ratios.writes_per_answer}, hottest item ${ratios.hottest_item_writes_per_answer}, cost ${ratios.cost_per_million_usd}`,
  );
}

/** Accepted and refused answers side by side: client-side latency and the stack's CPU per answer. */
function printRefused(accepted: AnswerFigures, refused: AnswerFigures): void {
  const cpu = (f: AnswerFigures) => round(f.cpu_ms_per_answer.node + f.cpu_ms_per_answer.dynamodb_local, 1);
  const rows: [string, (f: AnswerFigures) => number][] = [
    ['answers', (f) => f.answers],
    ['POST latency p50 ms', (f) => f.p50_ms],
    ['POST latency p95 ms', (f) => f.p95_ms],
    ['POST latency p99 ms', (f) => f.p99_ms],
    ['POST latency max ms', (f) => f.max_ms],
    ['CPU per answer ms (Node + DDB Local)', cpu],
  ];
  console.log(`\n${'same players, same concurrency'.padEnd(38)}${'accepted'.padStart(12)}${'refused'.padStart(12)}`);
  for (const [label, value] of rows) console.log(`${label.padEnd(38)}${String(value(accepted)).padStart(12)}${String(value(refused)).padStart(12)}`);
}
