import { acceptAnswer, checkWindow } from '../domain/answers.ts';
import { DomainError, notFound } from '../domain/errors.ts';
import { responseInput, type Episode } from '../domain/schemas.ts';
import { annotate, httpHandler, json, ownUserId } from './httpHandler.ts';
import { metrics } from '../shared/powertools.ts';
import { metricName } from '../shared/metricNames.ts';
import { getEpisodeCached } from '../store/episodes.ts';
import { enqueueAnswer } from '../store/queues.ts';
import { loadPlayerRecord } from '../store/responses.ts';
import { publishRejection } from '../usecases/rejections.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';

/** How stale a cached episode may be before a mismatch with the request is checked against a fresh read. */
const RECHECK_AFTER_MS = 100;

/**
 * The hot path of a live show: check, stamp `received_at` by the server clock, queue, answer 202.
 * Nothing is written to DynamoDB here; the queue consumer stores the answer.
 */
export const handler = httpHandler({ auth: 'user', body: responseInput }, async ({ body, caller, now, event }) => {
  // Kept for the refusal's event (response.rejected), if it comes to that.
  let seen: Episode | undefined;
  try {
    const userId = ownUserId(caller, body.user_id);
    annotate({ episode_id: body.episode_id });
    const episode = await currentEpisode(body.episode_id, body.question_id, now);
    seen = episode;
    // The question's index in the show, whether or not it is open: a key of the logs and of a rejection's record.
    const index = episode.qset.indexOf(body.question_id);
    if (index >= 0) annotate({ question_index: index });
    const attempt = { episode, question_id: body.question_id, user_id: userId, answer: body.answer, now };
    const { questionIndex } = checkWindow(attempt);
    const player = await loadPlayerRecord(episode, questionIndex, userId);
    const queued = acceptAnswer(attempt, player);
    await enqueueAnswer(queued);
    metrics.addMetric(metricName.AnswersAccepted, MetricUnit.Count, 1);
    return json(202, { status: 'accepted', received_at: queued.received_at });
  } catch (err) {
    if (err instanceof DomainError) {
      const rejected = metrics.singleMetric();
      rejected.addDimension('reason', err.code);
      rejected.addMetric(metricName.AnswersRejected, MetricUnit.Count, 1);
      await publishRejection({ error: err, requestId: event.requestContext.requestId, body, userId: caller?.sub, episode: seen, now });
    }
    throw err;
  } finally {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
});

/** The episode from the 1-second cache, re-read when the cache disagrees with the request (the question may just have opened). */
async function currentEpisode(id: string, questionId: string, now: number): Promise<Episode> {
  let entry = await getEpisodeCached(id);
  const e = entry.value;
  const looksCurrent = e && e.state === 'QUESTION_OPEN' && e.qset[e.current_question_index] === questionId;
  if (!looksCurrent && now - entry.loadedAt > RECHECK_AFTER_MS) entry = await getEpisodeCached(id, 0);
  if (!entry.value) throw notFound('episode', id);
  return entry.value;
}
