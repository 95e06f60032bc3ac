import { conflict, notFound } from '../domain/errors.ts';
import { registrationOpen } from '../domain/episode.ts';
import { participantInput } from '../domain/schemas.ts';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { annotate, httpHandler, json, ownUserId } from './httpHandler.ts';
import { metrics } from '../shared/powertools.ts';
import { metricName } from '../shared/metricNames.ts';
import { getEpisodeCached } from '../store/episodes.ts';
import { register } from '../store/participants.ts';

/** A cached episode is trusted for registration only while the show is far enough away that a second's staleness cannot matter. */
const SAFE_LEAD_MS = 5000;

export const handler = httpHandler({ auth: 'user', body: participantInput }, async ({ body, caller, now }) => {
  const userId = ownUserId(caller, body.user_id);
  annotate({ episode_id: body.episode_id });
  let { value: episode } = await getEpisodeCached(body.episode_id);
  if (!episode) throw notFound('episode', body.episode_id);
  if (!(episode.state === 'CREATED' && episode.lead_ms >= SAFE_LEAD_MS)) {
    episode = (await getEpisodeCached(body.episode_id, 0)).value ?? episode;
  }
  if (!registrationOpen(episode, now)) {
    throw conflict('registration_closed', `registration for episode ${episode.id} closed when its first question opened`);
  }
  const { participant, created } = await register(episode, userId, now);
  // Registrations: new ones; RegistrationsRepeated: a second POST by the same player (answered with the first).
  metrics.addMetric(created ? metricName.Registrations : metricName.RegistrationsRepeated, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  return json(created ? 201 : 200, participant);
});
