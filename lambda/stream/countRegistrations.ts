/**
 * Keeps `participant_count` exact: each batch of registrations is added up per episode and written as one partial;
 * then the episode's count is raised to the sum of all partials (a monotonic write, safe under parallel batches).
 * When an episode reaches its minimum, the runner gets a tick at once instead of at the next minute. The new count is
 * announced on the live channel (participants.counted), at most once a second per episode: when it is too soon, the
 * runner gets a tick for the moment it is due and announces it then.
 */
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { partialsOf, registrationsKey } from '../domain/counting.ts';
import { earliest } from '../domain/episode.ts';
import type { Participant } from '../domain/schemas.ts';
import { logger, observed } from '../shared/powertools.ts';
import { now } from '../shared/clock.ts';
import { countAnnouncementAt, COUNT_ANNOUNCE_INTERVAL_MS } from '../domain/live.ts';
import { announceParticipantCount, raiseParticipantCount } from '../store/episodes.ts';
import { publishAnnouncement } from '../usecases/publishLive.ts';
import { scheduleTick } from '../store/queues.ts';
import { putPartial, sumOfPartials } from '../store/statistics.ts';
import { allOrNothing } from './batches.ts';

const add = (a: number, b: number) => a + b;

const base = async (event: DynamoDBStreamEvent, _context: Context) =>
  allOrNothing<Participant>(event, (p) => typeof p.episode_id === 'string' && typeof p.user_id === 'string', async (batch) => {
    const registrations = batch.changes.filter((c) => c.kind === 'INSERT').map(({ sequence, after }) => ({ sequence, record: after }));
    const partials = partialsOf(registrations, (p) => p.episode_id, (t) => ({ ...t, total: t.total + 1 }));
    await Promise.all(
      [...partials].map(async ([episodeId, partial]) => {
        const pk = registrationsKey(episodeId);
        const count = partial.value.total;
        await putPartial(pk, { ...partial, value: count });
        const total = await sumOfPartials(pk, 0, add);
        const raised = await raiseParticipantCount(episodeId, total);
        logger.info('participants counted', { episode_id: episodeId, batch: count, participant_count: total });
        // Not raised: another counter stored a larger total, and announces it.
        if (!raised) return;
        const announced = await announceParticipantCount(episodeId, now(), COUNT_ANNOUNCE_INTERVAL_MS);
        if (announced) await publishAnnouncement(announced);
        const episode = announced ?? raised;
        const startAt = episode.state === 'CREATED' && total >= episode.min_participant ? (episode.start_at ?? now()) : null;
        const tickAt = earliest(startAt, countAnnouncementAt(episode));
        if (tickAt !== null) await scheduleTick({ episode_id: episodeId, due_at: tickAt }, now());
      }),
    );
  });

export const handler = observed(base);
