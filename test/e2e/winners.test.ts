/**
 * The winners of a show, page by page, against the local stack: five players answer right, one wrong; the report
 * names the winners and counts them exactly, and `GET /api/v1/report/episode/{id}/winners` pages through them two at a
 * time, by user id, each cursor leading to the next page, until the last page has no `next`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { admin, createShow, player, questionOpen, waitForEpisode, type Player } from './support/game.ts';

const RUN = `winners-${Date.now().toString(36)}`;

describe('GET /api/v1/report/episode/{id}/winners', () => {
  let producer: Player;
  let winners: Player[];
  const episodeId = `${RUN}-episode`;
  const questionId = `${RUN}-q`;

  beforeAll(async () => {
    producer = await admin();
    const players = await Promise.all(Array.from({ length: 6 }, (_, i) => player(`${RUN}-p${i}@example.com`, {})));
    winners = players.slice(0, 5);
    expect((await producer.call('POST', '/api/v1/question', { id: questionId, question: 'Two plus two?', options: ['3', '4'], answer: 1 })).status).toBe(201);
    expect((await producer.call('POST', '/api/v1/game', { id: `${RUN}-game`, qset: [questionId] })).status).toBe(201);
    // A window long enough for six answers on a loaded machine.
    await createShow(producer, { id: episodeId, game_id: `${RUN}-game`, answer_window_seconds: 20, reveal_seconds: 1, lead_seconds: 0 }, players);
    await waitForEpisode(producer, episodeId, questionOpen(0), 'question 0 open', 120_000);
    for (const [i, p] of players.entries()) {
      expect((await p.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: questionId, answer: i < 5 ? 1 : 0 })).status).toBe(202);
    }
    await waitForEpisode(producer, episodeId, (e) => e.state === 'ENDED', 'the show ended', 120_000);
  }, 240_000);

  it('pages through every winner by user id, and the report counts them exactly', async () => {
    const expected = winners.map((w) => w.sub).sort();
    const pages: string[][] = [];
    let next: string | undefined;
    do {
      const res = await producer.call('GET', `/api/v1/report/episode/${episodeId}/winners?limit=2${next ? `&next=${encodeURIComponent(next)}` : ''}`);
      expect(res.status).toBe(200);
      const body = res.body as { winners_count: number; items: { user_id: string }[]; next?: string };
      expect(body.winners_count).toBe(5);
      pages.push(body.items.map((w) => w.user_id));
      next = body.next;
    } while (next);
    expect(pages).toEqual([expected.slice(0, 2), expected.slice(2, 4), expected.slice(4)]);

    const report = (await producer.call('GET', `/api/v1/report/episode/${episodeId}`)).body as { winners_count: number; winners: { user_id: string }[]; winners_next?: string };
    expect(report.winners_count).toBe(5);
    expect(report.winners.map((w) => w.user_id)).toEqual(expected);
    expect(report.winners_next).toBeUndefined();

    // Players do not read this listing, and a cursor is not a thing a client can make up.
    expect((await winners[0].call('GET', `/api/v1/report/episode/${episodeId}/winners`)).status).toBe(403);
    const forged = await producer.call('GET', `/api/v1/report/episode/${episodeId}/winners?next=${Buffer.from('{"after":"a"}').toString('base64url')}.x`);
    expect(forged).toMatchObject({ status: 400, body: { error: { code: 'invalid_cursor' } } });
  }, 60_000);
});
