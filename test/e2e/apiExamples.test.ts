/**
 * The original system's API examples (shared/seeds/001_…, "API Examples"), with their exact bodies and ids, played
 * against the local stack. Timings are shortened through the stack's configured defaults, not by editing bodies.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { admin, episode, player, waitForEpisode, questionOpen, type Player } from './support/game.ts';
import { stack } from './support/index.ts';
import { answerCounts } from '../support/statistics.ts';

const Q1 = {
  id: 'aab6384d-e392-4508-8a2f-21b1bdd5b551',
  question: 'The Blackstreet lyric “I like the way you work it” is from what iconic song?',
  options: ['No Diggity', 'Yes Diggity', 'Maybe a Lil Diggity'],
  answer: '0',
};
const Q2 = {
  id: '8375a054-9817-4cac-9aa9-c09c0e78c202',
  question: 'The American episodic TV show that’s produced the most episodes is in what genre?',
  options: ['Animated', 'Game show', 'Soap opera'],
  answer: '2',
};
const Q3 = {
  id: 'cd3049e4-1362-4340-b520-eab9a50ae003',
  question: 'What does Edward prepare for the Christmas party in “Edward Scissorhands”?',
  options: ['Cronuts', 'Ice sculpture', 'Santa costume'],
  answer: '1',
};
const GAME = {
  qset: ['cd3049e4-1362-4340-b520-eab9a50ae003', 'aab6384d-e392-4508-8a2f-21b1bdd5b551'],
  id: '74cc6161-9380-4aef-9344-3b48ecc9a8d1',
};
const EPISODE = {
  id: 'c62d941b-5de5-46b5-8d6c-3db7c679f96c',
  game_id: '74cc6161-9380-4aef-9344-3b48ecc9a8d1',
  min_participant: 2,
  qset: ['cd3049e4-1362-4340-b520-eab9a50ae003', 'aab6384d-e392-4508-8a2f-21b1bdd5b551'],
};
const USER_1 = '4e1f7af7-2ac6-45bb-834c-a4269fe6d4fd';
const USER_2 = '7714a925-40f2-4125-8670-d40391ceb501';

describe('the original API examples', () => {
  let producer: Player;
  let first: Player;
  let second: Player;

  beforeAll(async () => {
    producer = await admin();
    first = await player('example-user-1@example.com', { sub: USER_1 });
    second = await player('example-user-2@example.com', { sub: USER_2 });
  });

  it('signs the example users in with the example user ids as token subjects', () => {
    expect(first.sub).toBe(USER_1);
    expect(second.sub).toBe(USER_2);
  });

  it('creates the three questions, the game and the episode with the exact bodies', async () => {
    for (const q of [Q1, Q2, Q3]) {
      const res = await producer.call('POST', '/api/v1/question/', q);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: q.id, question: q.question, options: q.options, answer: String(q.answer) });
    }
    const game = await producer.call('POST', '/api/v1/game/', GAME);
    expect(game.status).toBe(201);
    expect(game.body).toMatchObject(GAME);

    const created = await producer.call('POST', '/api/v1/episode/', EPISODE);
    expect(created.status).toBe(201);
    const e = await episode(producer, EPISODE.id);
    expect(e).toMatchObject({
      id: EPISODE.id,
      game_id: EPISODE.game_id,
      qset: EPISODE.qset,
      min_participant: 2,
      participant_count: 0,
      eliminated_count: 0,
      current_question_index: -1,
      question_start_timestamp: 0,
      state: 'CREATED',
    });
    expect(typeof e.server_time).toBe('number');
  });

  it('copies qset from the game when an episode omits it', async () => {
    const { qset: _omitted, id: _id, ...withoutQset } = EPISODE;
    const res = await producer.call('POST', '/api/v1/episode/', withoutQset);
    expect(res.status).toBe(201);
    const copy = res.body as { id: string; qset: string[] };
    expect(copy.id).not.toBe(EPISODE.id);
    expect(copy.qset).toEqual(GAME.qset);
  });

  it('registers the two participants with the example bodies, idempotently', async () => {
    const r1 = await first.call('POST', '/api/v1/participant/', { episode_id: EPISODE.id, user_id: USER_1 });
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ episode_id: EPISODE.id, user_id: USER_1 });
    const again = await first.call('POST', '/api/v1/participant/', { episode_id: EPISODE.id, user_id: USER_1 });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(r1.body);
    const r2 = await second.call('POST', '/api/v1/participant/', { episode_id: EPISODE.id, user_id: USER_2 });
    expect(r2.status).toBe(201);
  });

  it('starts with two participants, eliminates the wrong answer and ends with one winner', async () => {
    const open = await waitForEpisode(first, EPISODE.id, questionOpen(0), 'question 0 open');
    expect(open.state).toBe('QUESTION_OPEN');
    expect(open.participant_count).toBe(2);
    expect(open.current_question).toEqual({ id: Q3.id, question: Q3.question, options: Q3.options });
    expect(open.question_end_timestamp).toBeGreaterThan(open.question_start_timestamp);

    const right = await first.call('POST', '/api/v1/response/', {
      episode_id: 'c62d941b-5de5-46b5-8d6c-3db7c679f96c',
      question_id: 'cd3049e4-1362-4340-b520-eab9a50ae003',
      user_id: '4e1f7af7-2ac6-45bb-834c-a4269fe6d4fd',
      answer: '1',
    });
    expect(right.status).toBe(202);
    expect(right.body).toMatchObject({ status: 'accepted' });
    const wrong = await second.call('POST', '/api/v1/response/', {
      episode_id: EPISODE.id,
      question_id: Q3.id,
      user_id: USER_2,
      answer: '0',
    });
    expect(wrong.status).toBe(202);

    const ended = await waitForEpisode(producer, EPISODE.id, (e) => e.state === 'ENDED', 'the end');
    expect(ended).toMatchObject({ participant_count: 2, eliminated_count: 1, remaining_count: 1, current_question_index: 0 });
    expect(ended.current_question?.answer).toBe('1');

    const stats = await first.call('GET', `/api/v1/episode/${EPISODE.id}/question/0/statistics`);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      question_index: 0,
      question_id: Q3.id,
      correct_answer: '1',
      answer_counts: answerCounts([1, 1, 0], 1),
      advancing_count: 1,
      eliminated_count: 1,
    });

    const report = await producer.call('GET', `/api/v1/report/episode/${EPISODE.id}`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ winners_count: 1, winners: [{ user_id: USER_1 }] });

    // Players were told the show was starting: one "episode starting" notification, from the STARTED transition.
    const notifications = readFileSync(stack().outboxFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; episode_id: string; participant_count: number; first_question_at: number })
      .filter((n) => n.episode_id === EPISODE.id);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ type: 'episode.starting', participant_count: 2 });
    expect(notifications[0].first_question_at).toBeLessThanOrEqual(open.question_start_timestamp);

    // The eliminated player can no longer answer anything in this episode.
    const late = await second.call('POST', '/api/v1/response/', { episode_id: EPISODE.id, question_id: Q1.id, answer: '0' });
    expect(late.status).toBe(409);
  });
});
