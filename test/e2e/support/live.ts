/**
 * A short show played through the API (for the live channel's e2e tests), and what its channel must carry: every
 * transition, once each after deduplication by `seq`, in `seq` order, with nothing about an open question's answer.
 */
import { expect } from 'vitest';
import { admin, createShow, episode, type Player } from './game.ts';

export const SHOW_QUESTIONS = 2;

export interface LiveEventSeen {
  type: string;
  episode_id: string;
  seq: number;
  episode?: { current_question_index?: number; current_question?: { answer?: string } | null };
  [k: string]: unknown;
}

/** A channel's events as they arrive, with a way to wait for one (`episode.ended` ends the show). */
export function showCollector() {
  const received: LiveEventSeen[] = [];
  const waiters: { match: (e: LiveEventSeen) => boolean; resolve: (e: LiveEventSeen) => void }[] = [];
  const waitFor = (match: (e: LiveEventSeen) => boolean) =>
    new Promise<LiveEventSeen>((resolve) => {
      const seen = received.find(match);
      if (seen) resolve(seen);
      else waiters.push({ match, resolve });
    });
  return {
    received,
    waitFor,
    ended: waitFor((e) => e.type === 'episode.ended'),
    onEvent: (data: unknown) => {
      const event = data as LiveEventSeen;
      received.push(event);
      for (const w of waiters.filter((x) => x.match(event))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    },
  };
}
export type ShowCollector = ReturnType<typeof showCollector>;

/**
 * Creates a 2-question show for `players` (at least 3: the last one answers the first question wrong, the others
 * answer right, so that two are still standing for the second) and plays it through the API, answering when the
 * channel says a question is open. Resolves, once the channel has announced the end, with the number of questions
 * played (as the API reports it: a loaded machine may make answers late, and a show without two players left ends early).
 */
export async function playShortShow(episodeId: string, players: Player[], show: ShowCollector): Promise<number> {
  expect(players.length).toBeGreaterThanOrEqual(3);
  const producer = await admin();
  const questions = Array.from({ length: SHOW_QUESTIONS }, (_, i) => ({
    id: `${episodeId}-q${i}`,
    question: `Live question ${i}: 2 + ${i}?`,
    options: [String(1 + i), String(2 + i), String(3 + i)],
    answer: '1',
  }));
  for (const q of questions) expect((await producer.call('POST', '/api/v1/question', q)).status).toBe(201);
  const gameId = `${episodeId}-game`;
  expect((await producer.call('POST', '/api/v1/game', { id: gameId, qset: questions.map((q) => q.id), title: 'Live channel' })).status).toBe(201);
  // A generous window: on a loaded 2-core machine answers can take seconds to post.
  await createShow(producer, { id: episodeId, game_id: gameId, lead_seconds: 1, answer_window_seconds: 8, reveal_seconds: 1 }, players);
  for (let i = 0; i < questions.length; i++) {
    const next = await show.waitFor((e) => e.type === 'episode.ended' || (e.type === 'question.opened' && e.episode?.current_question_index === i));
    if (next.type === 'episode.ended') break;
    await Promise.all(
      players.map((p, n) =>
        p.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: questions[i].id, answer: n === players.length - 1 && i === 0 ? '0' : '1' }),
      ),
    );
  }
  await show.ended;
  return (await episode(producer, episodeId)).current_question_index + 1;
}

/** Every transition of a show of `played` questions, once each after dropping repeated `seq`s, in `seq` order. */
export function expectWholeShow(received: LiveEventSeen[], episodeId: string, played: number) {
  const seen = new Map<number, LiveEventSeen>();
  for (const e of received) {
    const earlier = seen.get(e.seq);
    // A repeat (the relay's copy of an event the runner already published) is the same event.
    if (earlier) expect(e).toEqual(earlier);
    else seen.set(e.seq, e);
  }
  const firsts = [...seen.values()];
  const seqs = firsts.map((e) => e.seq);
  expect(seqs[0]).toBe(1);
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  for (const e of firsts) expect(e.episode_id).toBe(episodeId);
  const transitions = firsts.map((e) => e.type).filter((t) => t !== 'participants.counted');
  const perQuestion = Array.from({ length: played }, () => ['question.opened', 'question.closed', 'question.results']).flat();
  expect(transitions).toEqual(['episode.started', ...perQuestion, 'episode.ended']);
  for (const e of firsts.filter((x) => x.type === 'question.opened')) expect(e.episode?.current_question).not.toHaveProperty('answer');
}
