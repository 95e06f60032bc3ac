/**
 * The response schemas (lambda/domain/contract.ts) describe what the domain really produces: the episode view in
 * every state, the statistics, the survival curve; the request schemas are the handlers' own.
 * Type-level checks (compiled by `tsc --noEmit`) tie the schemas to the functions' return types.
 */
import { describe, expect, it } from 'vitest';
import * as c from '../../lambda/domain/contract.ts';
import * as inputs from '../../lambda/domain/schemas.ts';
import { advance, cancel, episodeView, type EpisodeView } from '../../lambda/domain/episode.ts';
import { questionView } from '../../lambda/domain/questionView.ts';
import { buildStatistics, emptyTally, survivalCurve } from '../../lambda/domain/counting.ts';
import type { episodeReport } from '../../lambda/usecases/episodeReport.ts';
import type { StoredStatistics } from '../../lambda/store/statistics.ts';
import { QUESTIONS, T0, episode, stats } from './domain/fixtures.ts';
import { checkResponse } from '../e2e/support/openapi.ts';

/* Compile-time: every value the server builds is assignable to the contract's output type. */
type Report = Awaited<ReturnType<typeof episodeReport>>;
export const viewFits = (v: EpisodeView): c.EpisodeViewOut => v;
export const reportFits = (r: Report): c.ReportOut => r;
export const statisticsFits = ({ episode_id: _e, finalized_at: _f, ...view }: StoredStatistics): c.StatisticsOut => view;
export const questionFits = (q: inputs.Question): c.QuestionOut => questionView(q);
export const gameFits = (g: inputs.Game): c.GameOut => g;
export const participantFits = (p: inputs.Participant): c.ParticipantOut => p;
export const userFits = (u: inputs.User): c.UserOut => u;

/** Walks an episode through its whole life with the domain's own `advance`. */
function lifecycle() {
  const views: EpisodeView[] = [];
  let e = episode({}, { participants: 3 });
  let now = T0;
  views.push(episodeView(e, now));
  for (let guard = 0; guard < 50 && e.state !== 'ENDED'; guard++) {
    now += 61_000;
    let step = advance(e, now);
    if (step?.kind === 'needs') {
      const q = QUESTIONS[step.questionId];
      step = advance(e, now, step.step === 'open' ? { nextQuestion: q } : { statistics: stats(q, step.questionIndex, 3, 3) });
    }
    if (step?.kind === 'transition') {
      e = step.episode;
      views.push(episodeView(e, now));
    }
  }
  const cancelled = cancel(episode({}, { participants: 1 }), T0);
  views.push(episodeView(cancelled, T0));
  return views;
}

describe('response schemas', () => {
  const views = lifecycle();

  it('describe the episode view in every state, and the OpenAPI document agrees', () => {
    expect(new Set(views.map((v) => v.state))).toEqual(new Set(inputs.EPISODE_STATES));
    for (const v of views) {
      const parsed = c.episodeView.safeParse(v);
      expect(parsed.success, `${v.state}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(parsed.data).toEqual(v); // nothing stripped: every field is documented
      const check = checkResponse('GET', '/api/v1/episode/ep1', 200, v);
      expect(check.errors).toEqual([]);
    }
  });

  it('never show the answer of an open question', () => {
    const open = views.find((v) => v.state === 'QUESTION_OPEN')!;
    expect(open.current_question).not.toHaveProperty('answer');
    const closed = views.find((v) => v.state === 'QUESTION_CLOSED')!;
    expect(closed.current_question?.answer).toMatch(/^\d$/);
  });

  it('describe statistics and the survival curve', () => {
    const q = QUESTIONS.q1;
    const s = { ...buildStatistics(q, 0, { ...emptyTally(3), counts: [1, 2, 0], correct: 2, total: 3 }, 4), question_start_timestamp: T0, question_end_timestamp: T0 + 10_000 };
    expect(c.statistics.parse(s)).toEqual(s);
    expect(checkResponse('GET', '/api/v1/episode/ep1/question/0/statistics', 200, s).errors).toEqual([]);
    const curve = survivalCurve(4, [s]);
    expect(c.report.shape.survival_curve.parse(curve)).toEqual(curve);
  });

  it('reject what breaks the contract', () => {
    const v = views[0];
    expect(c.episodeView.safeParse({ ...v, state: 'PAUSED' }).success).toBe(false);
    expect(c.episodeView.safeParse({ ...v, server_time: '1' }).success).toBe(false);
    const { remaining_count: _r, ...missing } = v;
    expect(c.episodeView.safeParse(missing).success).toBe(false);
    expect(c.errorBody.safeParse({ error: { code: 'Bad Code', message: 'x' } }).success).toBe(false);
    expect(c.errorBody.safeParse({ error: { code: 'question_not_open', message: 'x', details: { a: 1 } } }).success).toBe(true);
  });
});

describe('request schemas', () => {
  it('are the handlers’ own: they accept and reject exactly the same bodies', () => {
    const bodies = [
      { question: 'Q?', options: ['a', 'b'], answer: '1' },
      { question: 'Q?', options: ['a', 'b'], answer: 1, extra: true },
      { question: 'Q?', options: ['a'], answer: 0 },
      { game_id: 'g1', answer_window_seconds: 2 },
      { game_id: 'g1', answer_window_seconds: 61 },
      { episode_id: 'e1', question_id: 'q1', answer: '2' },
      { episode_id: 'e 1', question_id: 'q1', answer: 2 },
    ];
    const pairs = [
      [c.questionInput, inputs.questionInput],
      [c.episodeInput, inputs.episodeInput],
      [c.responseInput, inputs.responseInput],
      [c.gameInput, inputs.gameInput],
      [c.participantInput, inputs.participantInput],
      [c.userUpdateInput, inputs.userUpdateInput],
    ] as const;
    for (const [documented, handler] of pairs) {
      for (const b of bodies) expect(JSON.stringify(documented.safeParse(b))).toBe(JSON.stringify(handler.safeParse(b)));
    }
    expect(c.episodeInput.parse({ game_id: 'g1' })).toEqual({ game_id: 'g1', min_participant: 2 });
  });
});
