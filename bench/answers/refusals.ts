/**
 * Refused answers beside accepted ones (issue 16, item 3): the measured show's players, at the same concurrency, each
 * answer a question a second time. A second answer is refused for a reason a show meets at scale (409
 * `duplicate_answer`: a double tap, a client retry) after the same work as an accepted one (the cached episode, the
 * player check's BatchGet); instead of queueing, it records its error (sampled) and publishes `response.rejected`
 * in the background (lambda/shared/background.ts). After the phase, every refusal's event must be in the archive:
 * the bench proves that none was lost.
 *
 * The refusals get an episode of their own, so that their records never enter the accepted answers' figures.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cpuNow, percentile, round } from '../measure.ts';
import { REVEAL_SECONDS, log } from './config.ts';
import { gameFor } from './ours.ts';
import { call, pool, until } from './http.ts';
import { answerOf, countedSoFar, cpuSince, quiescent, type Bench, type BenchPlayer, type CpuPerAnswer } from './setUp.ts';

/** Client-side latency of a set of POSTs (ms). */
export interface LatencySummary {
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** The figures of one kind of answer: how many, how fast, and what CPU each cost the stack on this machine. */
export interface AnswerFigures extends LatencySummary {
  answers: number;
  cpu_ms_per_answer: CpuPerAnswer;
}

export interface RefusalPhase {
  /** The refused POSTs by error code (all `duplicate_answer` unless the window closed under them). */
  refused_by_code: Record<string, number>;
  /** POSTs that were not refused as expected (accepted, or another status). */
  unexpected: number;
  /** `response.rejected` events of the phase found in the archive, by code: each must match `refused_by_code`. */
  recorded_by_code: Record<string, number>;
  latencies: number[];
  cpu: CpuPerAnswer;
}

/** p50, p95, p99 and max of latencies sorted ascending (as `pool` returns them), to 0.1 ms. */
export function latencySummary(sorted: number[]): LatencySummary {
  return {
    p50_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
    max_ms: round(sorted.length === 0 ? NaN : sorted[sorted.length - 1]),
  };
}

export const answerFigures = (latencies: number[], cpu: CpuPerAnswer): AnswerFigures => ({ answers: latencies.length, ...latencySummary(latencies), cpu_ms_per_answer: cpu });

/** `response.rejected` events of one episode in an archive file's JSON lines, counted by refusal code. */
export function rejectionsByCode(jsonLines: string, episodeId: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of jsonLines.split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as { type?: string; episode_id?: string; data?: { code?: string } };
    if (e.type !== 'response.rejected' || e.episode_id !== episodeId) continue;
    const code = e.data?.code ?? 'unknown';
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}

/** The refusals the archive lacks, by code (empty when every refusal was recorded). */
export function missingRecords(refused: Record<string, number>, recorded: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(refused).flatMap(([code, n]) => (n > (recorded[code] ?? 0) ? [[code, n - (recorded[code] ?? 0)]] : [])));
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Every `response.rejected` event of the episode in the local archive (`<dir>/response.rejected/<day>.jsonl`). */
async function archivedRejections(archiveDir: string, episodeId: string): Promise<Record<string, number>> {
  const dir = join(archiveDir, 'response.rejected');
  const days = await readdir(dir).catch(() => [] as string[]);
  const counts: Record<string, number> = {};
  for (const day of days) {
    for (const [code, n] of Object.entries(rejectionsByCode(await readFile(join(dir, day), 'utf8'), episodeId))) counts[code] = (counts[code] ?? 0) + n;
  }
  return counts;
}

/**
 * The refusal phase: a one-question episode the players join and answer once (accepted, not measured); once every
 * answer is stored, each answers again (refused, measured). Then waits until the archive holds every refusal's event
 * (or fails the bench), and until the episode's question is final, so that the next phase runs on an idle stack.
 */
export async function measureRefusals(bench: Bench, measuredEpisode: string, players: BenchPlayer[]): Promise<RefusalPhase> {
  const { stack, admin, config } = bench;
  const api = stack.apiUrl;
  const episodeId = `${measuredEpisode}-refusals`;
  const { questionId, gameId } = await gameFor(bench, episodeId);
  const created = await call(`${api}/api/v1/episode`, admin, 'POST', {
    id: episodeId,
    game_id: gameId,
    min_participant: players.length,
    // Room for both rounds of answers: the duplicates must meet an open window to be refused as duplicates.
    answer_window_seconds: 60,
    reveal_seconds: REVEAL_SECONDS,
    lead_seconds: 15,
  });
  if (created.status !== 201) throw new Error(`refusal episode not created: ${JSON.stringify(created.body)}`);
  await pool(players, config.concurrency, async (p) => {
    const r = await call(`${api}/api/v1/participant`, p.token, 'POST', { episode_id: episodeId });
    if (r.status !== 201) throw new Error(`registration failed: ${r.status} ${JSON.stringify(r.body)}`);
  });
  await until(() => call(`${api}/api/v1/episode/${episodeId}`, admin, 'GET'), (r) => r.body?.state === 'QUESTION_OPEN', 120_000, 'refusal question open');
  const answer = (p: BenchPlayer) => call(`${api}/api/v1/response`, p.token, 'POST', { episode_id: episodeId, question_id: questionId, answer: answerOf(p, bench.players.indexOf(p)) });
  let firsts = 0;
  await pool(players, config.concurrency, async (p) => {
    if ((await answer(p)).status === 202) firsts++;
  });
  // A second answer is a duplicate once the first is stored: wait until the grader has counted every first answer.
  await until(() => countedSoFar(bench, episodeId), (n) => n >= firsts, 120_000, 'first answers counted');
  await quiescent(stack);

  log(`refusals: ${players.length} players answer a second time`);
  const refused: Record<string, number> = {};
  let unexpected = 0;
  const cpu0 = cpuNow();
  const latencies = await pool(players, config.concurrency, async (p) => {
    const r = await answer(p);
    const code = r.body?.error?.code as string | undefined;
    if (r.status === 409 && code) refused[code] = (refused[code] ?? 0) + 1;
    else unexpected++;
  });
  if (unexpected > 0) log(`refusals: ${unexpected} second answers were not refused with a 409`);

  // Recorded in the background: the events reach the archive moments after their 4xx.
  const recorded = await until(
    () => archivedRejections(stack.eventsArchiveDir, episodeId),
    (counts) => Object.keys(missingRecords(refused, counts)).length === 0,
    30_000,
    `a response.rejected event for each of ${total(refused)} refusals`,
    250,
  ).catch((err: Error) => {
    throw new Error(`refusals lost: ${err.message}`);
  });
  // The CPU of a refusal includes its background recording (the bench's own polling of the archive adds little).
  const cpu = cpuSince(cpu0, latencies.length);
  await until(() => call(`${api}/api/v1/episode/${episodeId}/question/0/statistics`, admin, 'GET'), (r) => r.status === 200, 120_000, 'refusal question final', 250);
  return { refused_by_code: refused, unexpected, recorded_by_code: recorded, latencies, cpu };
}

/** The `refused_answers` key of bench-results.json: a refused answer's figures beside an accepted one's, and the proof. */
export function refusedVsAccepted(accepted: { latencies: number[]; cpu: CpuPerAnswer }, phase: RefusalPhase) {
  return {
    reason: 'a second answer to the same question (409 duplicate_answer), recorded in the background',
    accepted: answerFigures(accepted.latencies, accepted.cpu),
    refused: answerFigures(phase.latencies, phase.cpu),
    refused_by_code: phase.refused_by_code,
    not_refused: phase.unexpected,
    recorded_by_code: phase.recorded_by_code,
    lost: total(missingRecords(phase.refused_by_code, phase.recorded_by_code)),
  };
}

export type RefusedVsAccepted = ReturnType<typeof refusedVsAccepted>;
