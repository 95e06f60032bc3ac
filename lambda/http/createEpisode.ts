import { randomUUID } from 'node:crypto';
import { unprocessable } from '../domain/errors.ts';
import { DEFAULT_SETTLE_MS, DEFAULT_SHARD_COUNT, DEFAULT_TIMINGS, episodeView, newEpisode } from '../domain/episode.ts';
import { EPISODE_ID, START_AT_GRACE_MS, episodeInput } from '../domain/schemas.ts';
import { numberFromEnv } from '../shared/env.ts';
import { httpHandler, json, ownUserId } from './httpHandler.ts';
import { createEpisode } from '../store/episodes.ts';
import { getGame } from '../store/games.ts';
import { getQuestions } from '../store/questions.ts';
import { fingerprint } from '../store/createOnce.ts';
import { assertQuestionsFree } from '../usecases/questionsInUse.ts';

export const handler = httpHandler({ auth: 'admin', body: episodeInput }, async ({ body, now, caller }) => {
  if (body.id !== undefined && !EPISODE_ID.test(body.id)) {
    throw unprocessable('invalid_episode_id', 'id: an episode id is 1–50 characters of letters, digits and "-" (it names the live channel)');
  }
  if (body.start_at !== undefined && body.start_at < now - START_AT_GRACE_MS) {
    throw unprocessable('start_at_in_past', `start_at: must not be more than ${START_AT_GRACE_MS / 1000} s before the server's clock (${now})`);
  }
  const game = await getGame(body.game_id);
  if (!game) throw unprocessable('unknown_game', `game ${body.game_id} does not exist`);
  if (body.qset) {
    const found = await getQuestions(body.qset);
    const missing = body.qset.filter((id) => !found.has(id));
    if (missing.length > 0) throw unprocessable('unknown_questions', 'every id in qset must be an existing question', { missing });
  }
  const { id, ...content } = body;
  const episode = newEpisode(body, game, {
    id: id ?? randomUUID(),
    now,
    settleMs: numberFromEnv('FINALIZE_SETTLE_MS', DEFAULT_SETTLE_MS),
    shardCount: numberFromEnv('RESPONSE_SHARDS', DEFAULT_SHARD_COUNT),
    defaults: {
      answer_window_seconds: numberFromEnv('DEFAULT_ANSWER_WINDOW_SECONDS', DEFAULT_TIMINGS.answer_window_seconds),
      reveal_seconds: numberFromEnv('DEFAULT_REVEAL_SECONDS', DEFAULT_TIMINGS.reveal_seconds),
      lead_seconds: numberFromEnv('DEFAULT_LEAD_SECONDS', DEFAULT_TIMINGS.lead_seconds),
    },
  });
  await assertQuestionsFree(episode);
  const admin = ownUserId(caller, undefined);
  const { item, created } = await createEpisode({ ...episode, created_by: admin, updated_by: admin }, fingerprint(content));
  return json(created ? 201 : 200, episodeView(item, now));
});
