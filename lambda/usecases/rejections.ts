/**
 * `response.rejected`: the answer handler's refusals by the game's rules (late, not open, duplicate, not registered,
 * eliminated, out of range). They are stored nowhere (the answer path writes nothing), so no stream can yield them:
 * the handler publishes each one itself, best effort, in the background (lambda/shared/background.ts): the refusal's
 * response never waits for it. The id is a digest of the API request id, so a retry inside the handler cannot duplicate it, while a
 * client that tries again is refused (and recorded) again. Unlike the stream-derived events, these are not counted
 * in the live aggregates.
 */
import { DomainError } from '../domain/errors.ts';
import { REJECTION_CODES, rejectionEvent } from '../domain/events.ts';
import type { Episode, ResponseInput } from '../domain/schemas.ts';
import { inBackground } from '../shared/background.ts';
import { publishEvents } from '../store/events.ts';

const STATUS: Partial<Record<DomainError['kind'], number>> = { forbidden: 403, conflict: 409, unprocessable: 422 };

export interface RefusedAnswer {
  error: unknown;
  requestId: string;
  body: Pick<ResponseInput, 'episode_id' | 'question_id' | 'answer'>;
  userId: string | undefined;
  /** The episode as the handler saw it, if it got that far. */
  episode: Episode | undefined;
  now: number;
}

/** Starts publishing the refusal's event (lambda/shared/background.ts); false when the refusal is not one the event stands for. */
export async function publishRejection(r: RefusedAnswer): Promise<boolean> {
  const err = r.error;
  if (!(err instanceof DomainError) || !REJECTION_CODES.has(err.code) || !r.userId || !r.episode) return false;
  const index = r.episode.qset.indexOf(r.body.question_id);
  const event = rejectionEvent({
    request_id: r.requestId,
    episode_id: r.episode.id,
    question_id: r.body.question_id,
    question_index: index >= 0 ? index : null,
    user_id: r.userId,
    answer: r.body.answer,
    code: err.code,
    status: STATUS[err.kind] ?? 400,
    at: r.now,
  });
  await inBackground('publishing response.rejected', () => publishEvents([event]));
  return true;
}
