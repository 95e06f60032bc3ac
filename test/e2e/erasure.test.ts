/**
 * Erasure (DELETE /api/v1/user/me) against the local stack: after a show, the winner and a player it eliminated erase
 * themselves. Their profiles and accounts are gone (no sign-in, no profile with a token still valid), and every count of
 * the show stays exactly what it was: the episode's, the question's statistics and the report's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { admin, player, questionOpen, waitForEpisode, PASSWORD, type Player } from './support/game.ts';
import { dynamoDocumentClient, signIn, stack } from './support/index.ts';

const RUN = `erase-${Date.now().toString(36)}`;

describe('DELETE /api/v1/user/me', () => {
  let producer: Player;
  let alice: Player; // right: the winner
  let bob: Player; // wrong
  let carol: Player; // silent
  const episodeId = `${RUN}-episode`;
  const questionId = `${RUN}-q`;

  /** Everything countable about the show, as players and producers read it. */
  const counts = async () => {
    const e = (await producer.call('GET', `/api/v1/episode/${episodeId}`)).body as Record<string, unknown>;
    const statistics = (await alice.call('GET', `/api/v1/episode/${episodeId}/question/0/statistics`)).body;
    const report = (await producer.call('GET', `/api/v1/report/episode/${episodeId}`)).body as Record<string, unknown>;
    return {
      episode: { state: e.state, participant_count: e.participant_count, eliminated_count: e.eliminated_count, remaining_count: e.remaining_count },
      statistics,
      report: {
        winners_count: report.winners_count,
        winners: (report.winners as { user_id: string }[]).map((w) => w.user_id),
        survival_curve: report.survival_curve,
        questions: (report.questions as Record<string, unknown>[]).map(({ answer_counts, advancing_count, eliminated_count }) => ({ answer_counts, advancing_count, eliminated_count })),
      },
    };
  };

  beforeAll(async () => {
    producer = await admin();
    alice = await player(`${RUN}-alice@example.com`, {});
    bob = await player(`${RUN}-bob@example.com`, {});
    carol = await player(`${RUN}-carol@example.com`, {});
    expect((await producer.call('POST', '/api/v1/question', { id: questionId, question: 'Two plus two?', options: ['3', '4'], answer: 1 })).status).toBe(201);
    expect((await producer.call('POST', '/api/v1/game', { id: `${RUN}-game`, qset: [questionId] })).status).toBe(201);
    const created = await producer.call('POST', '/api/v1/episode', {
      id: episodeId,
      game_id: `${RUN}-game`,
      min_participant: 3,
      // Long enough for both answers on a loaded machine; the show's length does not matter here.
      answer_window_seconds: 20,
      reveal_seconds: 1,
      lead_seconds: 0,
    });
    expect(created.status).toBe(201);
    for (const p of [alice, bob, carol]) {
      expect((await p.call('PUT', '/api/v1/user/me', { nickname: p.email.split('@')[0].slice(-5) })).status).toBe(200);
      expect((await p.call('POST', '/api/v1/participant', { episode_id: episodeId })).status).toBe(201);
    }
    await waitForEpisode(producer, episodeId, questionOpen(0), 'question 0 open', 120_000);
    expect((await alice.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: questionId, answer: 1 })).status).toBe(202);
    expect((await bob.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: questionId, answer: 0 })).status).toBe(202);
    await waitForEpisode(producer, episodeId, (e) => e.state === 'ENDED', 'the show ended', 120_000);
  }, 240_000);

  it('erases the profile and the account, and leaves every count of the show exactly as it was', async () => {
    const before = await counts();
    expect(before.episode).toEqual({ state: 'ENDED', participant_count: 3, eliminated_count: 2, remaining_count: 1 });
    expect(before.report.winners).toEqual([alice.sub]);

    for (const p of [alice, bob]) {
      const res = await p.call('DELETE', '/api/v1/user/me');
      expect(res.status).toBe(204);
      // Idempotent: the token still works until it expires, and a second erasure is the same erasure.
      expect((await p.call('DELETE', '/api/v1/user/me')).status).toBe(204);
    }

    expect(await counts()).toEqual(before);
    // The report still counts the winner, without a nickname to show.
    const report = (await producer.call('GET', `/api/v1/report/episode/${episodeId}`)).body as { winners: { user_id: string; nickname: string | null }[] };
    expect(report.winners).toEqual([{ user_id: alice.sub, nickname: null, display_name: `player-${alice.sub.slice(0, 8)}` }]);

    // The profile is a tombstone with nothing personal left, and it cannot come back.
    const stored = await dynamoDocumentClient().send(new GetCommand({ TableName: stack().tableNames.users, Key: { id: alice.sub } }));
    expect(Object.keys(stored.Item ?? {}).sort()).toEqual(['erased_at', 'id']);
    expect(await alice.call('GET', '/api/v1/user/me')).toMatchObject({ status: 403, body: { error: { code: 'account_erased' } } });
    expect(await alice.call('PUT', '/api/v1/user/me', { nickname: 'back again' })).toMatchObject({ status: 403, body: { error: { code: 'account_erased' } } });

    // The account is gone: no sign-in.
    await expect(signIn(alice.email, PASSWORD)).rejects.toThrow();
    await expect(signIn(bob.email, PASSWORD)).rejects.toThrow();
    // A player who did not erase anything is untouched.
    expect((await carol.call('GET', '/api/v1/user/me')).status).toBe(200);
  }, 60_000);
});
