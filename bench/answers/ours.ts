/**
 * Our answer path, through the real HTTP API: registration, then every player answers, measured from the first POST
 * until the grader's partial sums reach every accepted answer; the final statistics.
 */
import type { SourceStats } from '../../lib/local/stats.ts';
import { cpuNow } from '../measure.ts';
import { OPTIONS, REVEAL_SECONDS, RIGHT, WINDOW_SECONDS, log } from './config.ts';
import { call, pool, until } from './http.ts';
import { answerOf, countedSoFar, cpuSince, quiescent, type Bench, type BenchPlayer, type CpuPerAnswer } from './setUp.ts';

export interface ShowResult {
  accepted: number;
  /** POST latencies of the answers, ms, sorted. */
  latencies: number[];
  /** The stack's source statistics when the answers began (the compute model takes the difference). */
  statsBefore: Record<string, SourceStats>;
  t0: number;
  tAccepted: number;
  tCounted: number;
  cpu: CpuPerAnswer;
}

/**
 * Each show gets a question and a game of its own: two running episodes never share a question (rule 6 across
 * episodes), and the warm-up show is still running when the measured one is created.
 */
export async function gameFor(bench: Bench, episodeId: string) {
  const api = bench.stack.apiUrl;
  const id = `${episodeId}-q`;
  await call(`${api}/api/v1/question`, bench.admin, 'POST', { id, question: 'Benchmark?', options: OPTIONS, answer: RIGHT });
  await call(`${api}/api/v1/game`, bench.admin, 'POST', { id: `${episodeId}-game`, qset: [id] });
  return { questionId: id, gameId: `${episodeId}-game` };
}

/** One show of one question: the warm-up plays it with the warm-up players, the measurement with the measured ones. */
export async function playShow(bench: Bench, episodeId: string, showPlayers: BenchPlayer[]): Promise<ShowResult> {
  const { stack, admin, config } = bench;
  const api = stack.apiUrl;
  const { questionId, gameId } = await gameFor(bench, episodeId);
  const created = await call(`${api}/api/v1/episode`, admin, 'POST', {
    id: episodeId,
    game_id: gameId,
    min_participant: showPlayers.length,
    answer_window_seconds: WINDOW_SECONDS,
    reveal_seconds: REVEAL_SECONDS,
    // Room for the registration backlog (participant counts, events) to drain before the question opens.
    lead_seconds: 15,
  });
  if (created.status !== 201) throw new Error(`episode not created: ${JSON.stringify(created.body)}`);
  await pool(showPlayers, config.concurrency, async (p) => {
    const r = await call(`${api}/api/v1/participant`, p.token, 'POST', { episode_id: episodeId });
    if (r.status !== 201) throw new Error(`registration failed: ${r.status} ${JSON.stringify(r.body)}`);
  });
  await quiescent(stack);
  await until(() => call(`${api}/api/v1/episode/${episodeId}`, admin, 'GET'), (r) => r.body?.state === 'QUESTION_OPEN', 120_000, 'question open');

  stack.proxy!.meter.reset();
  const statsBefore = stack.stats().sources;
  const cpu0 = cpuNow();
  const t0 = performance.now();
  let accepted = 0;
  const latencies = await pool(showPlayers, config.concurrency, async (p) => {
    const i = bench.players.indexOf(p);
    const r = await call(`${api}/api/v1/response`, p.token, 'POST', { episode_id: episodeId, question_id: questionId, answer: answerOf(p, i) });
    if (r.status === 202) accepted++;
    else log('answer refused', r.status, r.body);
  });
  const tAccepted = performance.now();
  // Counted: the grader's partial sums reach every accepted answer (read directly, not through the meter).
  await until(() => countedSoFar(bench, episodeId), (n) => n >= accepted, 120_000, 'every accepted answer counted');
  const tCounted = performance.now();
  return { accepted, latencies, statsBefore, t0, tAccepted, tCounted, cpu: cpuSince(cpu0, accepted) };
}

/**
 * The show's final statistics: waits on the cheap statistics route (409 until the question is finalized), then reads
 * the report once, so that the bench's own polling adds next to nothing to the requests metered for the answer path.
 * Returns the window close → final statistics time, and checks that every accepted answer is in the statistics.
 */
export async function finalStatistics(bench: Bench, episodeId: string, accepted: number): Promise<number> {
  const api = bench.stack.apiUrl;
  await until(() => call(`${api}/api/v1/episode/${episodeId}/question/0/statistics`, bench.admin, 'GET'), (r) => r.status === 200, (WINDOW_SECONDS + 60) * 1000, 'final statistics', 250);
  const final = await call(`${api}/api/v1/report/episode/${episodeId}`, bench.admin, 'GET');
  const q0 = final.body.questions[0];
  if (q0.answered_count !== accepted) throw new Error(`statistics counted ${q0.answered_count} answers, ${accepted} were accepted`);
  return final.body.timings.questions[0].close_to_final_ms as number;
}
