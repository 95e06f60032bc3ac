/**
 * A scripted show: 3 questions, 50 players with predetermined behaviour (right, wrong, silent, late, duplicated,
 * answering after elimination). The expected outcome is computed from the script by a tiny model of the rules,
 * then compared with what the system reports: statistics per question, the episode's counts and the winners.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, player, sleepUntilServerTime, waitForEpisode, questionOpen, type EpisodeBody, type Player } from './support/game.ts';

const RUN = `show-${Date.now().toString(36)}`;
const QUESTIONS = [
  { id: `${RUN}-q0`, question: 'Which planet is closest to the sun?', options: ['Venus', 'Mercury', 'Mars'], answer: 1 },
  { id: `${RUN}-q1`, question: 'How many sides has a hexagon?', options: ['5', '6', '7', '8'], answer: 1 },
  { id: `${RUN}-q2`, question: 'Which is a prime?', options: ['21', '27', '29'], answer: 2 },
];
const PLAYERS = 50;

/** What a player does on a question. */
type Act = { kind: 'answer'; answer: number } | { kind: 'silent' } | { kind: 'late'; answer: number } | { kind: 'twice'; first: number; second: number };
const right = (q: number): Act => ({ kind: 'answer', answer: QUESTIONS[q].answer });
const wrong = (q: number): Act => ({ kind: 'answer', answer: (QUESTIONS[q].answer + 1) % QUESTIONS[q].options.length });

/** The script: player p's act on question q. Eliminated players still try to answer: they must be refused. */
function script(p: number, q: number): Act {
  if (q === 0) {
    if (p < 38) return right(0);
    if (p < 43) return wrong(0);
    if (p < 45) return { kind: 'silent' };
    if (p < 47) return { kind: 'late', answer: QUESTIONS[0].answer };
    if (p < 48) return { kind: 'twice', first: QUESTIONS[0].answer, second: (QUESTIONS[0].answer + 1) % 3 }; // first is right: in
    return { kind: 'twice', first: (QUESTIONS[0].answer + 2) % 3, second: QUESTIONS[0].answer }; // first is wrong: out
  }
  if (q === 1) {
    if (p < 25) return right(1);
    if (p < 30) return wrong(1);
    if (p < 33) return { kind: 'silent' };
    if (p < 35) return { kind: 'late', answer: QUESTIONS[1].answer };
    return right(1); // 35..49: the ones still in play advance, the eliminated ones are refused
  }
  if (p < 12) return right(2);
  if (p < 20) return wrong(2);
  if (p === 20) return { kind: 'silent' };
  return right(2);
}

/** The rules, as a model: who is in the game, and the counts each question must show. */
function expected() {
  let inGame = new Set(Array.from({ length: PLAYERS }, (_, p) => p));
  const perQuestion = QUESTIONS.map((q, i) => {
    const counts = q.options.map(() => 0);
    const next = new Set<number>();
    for (const p of inGame) {
      const act = script(p, i);
      const counted = act.kind === 'answer' ? act.answer : act.kind === 'twice' ? act.first : undefined;
      if (counted === undefined) continue;
      counts[counted]++;
      if (counted === q.answer) next.add(p);
    }
    const result = { counts, advancing: next.size, eliminated: inGame.size - next.size, before: inGame.size };
    inGame = next;
    return result;
  });
  return { perQuestion, winners: inGame };
}

describe('a scripted show with 50 players', () => {
  let producer: Player;
  const players: Player[] = [];
  const episodeId = `${RUN}-episode`;
  const statuses: Record<string, number[]> = { accepted: [], late: [], refused: [], duplicate: [] };

  beforeAll(async () => {
    producer = await admin();
    for (let p = 0; p < PLAYERS; p++) {
      players.push(p < 20 ? await player(`player${p + 1}@example.com`) : await player(`${RUN}-p${p}@example.com`, {}));
    }
    for (const q of QUESTIONS) expect((await producer.call('POST', '/api/v1/question', q)).status).toBe(201);
    expect((await producer.call('POST', '/api/v1/game', { id: `${RUN}-game`, qset: QUESTIONS.map((q) => q.id), title: 'Scripted' })).status).toBe(201);
    const created = await producer.call('POST', '/api/v1/episode', {
      id: episodeId,
      game_id: `${RUN}-game`,
      min_participant: PLAYERS,
      // Generous windows: on a loaded 2-core machine 50 players' answers can take seconds to post.
      answer_window_seconds: 8,
      reveal_seconds: 2,
      lead_seconds: 1,
    });
    expect(created.status).toBe(201);
  });

  it('counts every registration exactly once, and starts only when all 50 are in', async () => {
    await Promise.all(players.map((pl) => pl.call('POST', '/api/v1/participant', { episode_id: episodeId })));
    // Registering again changes nothing.
    const again = await Promise.all(players.slice(0, 10).map((pl) => pl.call('POST', '/api/v1/participant', { episode_id: episodeId })));
    expect(again.map((r) => r.status)).toEqual(new Array(10).fill(200));
    const started = await waitForEpisode(producer, episodeId, (e) => e.participant_count === PLAYERS && e.state !== 'CREATED', 'all registered');
    expect(started.participant_count).toBe(PLAYERS);
  });

  it('plays three questions by the script', async () => {
    for (let q = 0; q < QUESTIONS.length; q++) {
      const open = await waitForEpisode(producer, episodeId, questionOpen(q), `question ${q} open`);
      if (open.state === 'ENDED') break;
      expect(open.current_question_index).toBe(q);
      expect(open.current_question).not.toHaveProperty('answer');
      await playQuestion(q, open);
    }
    const ended = await waitForEpisode(producer, episodeId, (e) => e.state === 'ENDED', 'the end');
    expect(ended.current_question_index).toBe(QUESTIONS.length - 1);
  });

  async function playQuestion(q: number, open: EpisodeBody) {
    const post = (pl: Player, answer: number) =>
      pl.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: QUESTIONS[q].id, answer: String(answer) });
    // Late answers go out just after the window closes, whatever the on-time ones are doing.
    const late = (async () => {
      await sleepUntilServerTime(open, open.question_end_timestamp + 150);
      for (let p = 0; p < players.length; p++) {
        const act = script(p, q);
        if (act.kind !== 'late') continue;
        const res = await post(players[p], act.answer);
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ error: { code: 'answer_window_closed' } });
        statuses.late.push(res.status);
      }
    })();
    await Promise.all(
      players.map(async (pl, p) => {
        const act = script(p, q);
        if (act.kind === 'answer') {
          const res = await post(pl, act.answer);
          (res.status === 202 ? statuses.accepted : statuses.refused).push(res.status);
        } else if (act.kind === 'twice') {
          const first = await post(pl, act.first);
          const second = await post(pl, act.second);
          statuses.duplicate.push(first.status, second.status);
          if (first.status === 202) expect([202, 409]).toContain(second.status);
          if (second.status === 409) expect(second.body).toMatchObject({ error: { code: 'duplicate_answer' } });
        }
      }),
    );
    await late;
  }

  it('reports exact statistics for every question', async () => {
    const model = expected();
    for (let q = 0; q < QUESTIONS.length; q++) {
      const res = await producer.call('GET', `/api/v1/episode/${episodeId}/question/${q}/statistics`);
      expect(res.status).toBe(200);
      const stats = res.body as { answer_counts: { answer: string; count: number; correct: boolean }[]; advancing_count: number; eliminated_count: number };
      expect(stats.answer_counts).toEqual(
        model.perQuestion[q].counts.map((count, i) => ({ answer: String(i), count, correct: i === QUESTIONS[q].answer })),
      );
      expect(stats.advancing_count).toBe(model.perQuestion[q].advancing);
      expect(stats.eliminated_count).toBe(model.perQuestion[q].eliminated);
      // Rule 5: the option counts add up to the counted answers.
      const counted = stats.answer_counts.reduce((n, c) => n + c.count, 0);
      expect(counted).toBe(model.perQuestion[q].counts.reduce((a, b) => a + b, 0));
    }
    // The model itself must exercise every path: the script has right, wrong, silent, late and duplicate acts.
    expect(model.perQuestion.map((s) => s.advancing)).toEqual([39, 29, 20]);
  });

  it('ends with the expected winners and consistent counts', async () => {
    const model = expected();
    const e = await waitForEpisode(producer, episodeId, (x) => x.state === 'ENDED', 'the end');
    expect(e.eliminated_count + e.remaining_count).toBe(e.participant_count);
    expect(e.remaining_count).toBe(model.winners.size);
    const report = await producer.call('GET', `/api/v1/report/episode/${episodeId}`);
    expect(report.status).toBe(200);
    const body = report.body as { winners_count: number; winners: { user_id: string }[]; survival_curve: { remaining: number }[] };
    expect(body.winners_count).toBe(model.winners.size);
    expect(body.winners.map((w) => w.user_id).sort()).toEqual([...model.winners].map((p) => players[p].sub).sort());
    expect(body.survival_curve.map((s) => s.remaining)).toEqual([PLAYERS, ...model.perQuestion.map((s) => s.advancing)]);
    // Eliminated players were refused (403) rather than counted; late answers were 409.
    expect(statuses.late.length).toBe(4);
    expect(statuses.refused.every((s) => s === 403)).toBe(true);
    expect(statuses.refused.length).toBeGreaterThan(0);
  });
});
