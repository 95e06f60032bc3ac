/**
 * Domain events of a stream batch: what each stored change means (lambda/domain/events.ts), with the facts that the
 * close of a question needs loaded from the tables — its final statistics, who was in the game, who answered what.
 *
 * Eliminations are computed when a question's statistics become final (the runner's `finalize` write), as the set
 * difference "in the game when it opened" minus "answered right": every registered player for question 0, the right
 * answers to the previous question after that. That names silent players too (they have no item of their own), and
 * it reads only what is final: answers are no longer stored for a question once its statistics are final.
 */
import {
  eliminatedOn,
  episodeChanges,
  episodeEvents,
  participantEvent,
  responseEvent,
  type DomainEvent,
  type EpisodeFacts,
} from '../domain/events.ts';
import type { Contribution } from '../domain/liveStats.ts';
import type { Episode, Participant, Response } from '../domain/schemas.ts';
import { listAnswers } from '../store/responses.ts';
import { listParticipants } from '../store/roster.ts';
import { getFinal } from '../store/statistics.ts';

export type EventSource = 'episodes' | 'participants' | 'responses';

/** One stored change, as the stream batch reader gives it (lambda/stream/batches.ts). */
export interface StoredChange<T> {
  sequence: string;
  kind: 'INSERT' | 'MODIFY';
  after: T;
  before?: T;
}

/** The final outcome of question `index`: statistics, eliminations, and the right answers (the players going on). */
async function questionOutcome(episode: Episode, index: number): Promise<{ facts: NonNullable<EpisodeFacts['outcome']>; advancing: string[] }> {
  const statistics = await getFinal(episode.id, index, true);
  // The runner stores the final statistics before it writes `finalize`: missing means something is badly wrong; the
  // batch fails and is retried rather than publishing a close without its numbers.
  if (!statistics) throw new Error(`episode ${episode.id}: question ${index} is finalized but has no final statistics`);
  const [answers, inGame] = await Promise.all([
    listAnswers(episode, index, false, true),
    index === 0
      ? listParticipants(episode).then((ps) => ps.map((p) => p.user_id))
      : listAnswers(episode, index - 1, true, true).then((rs) => rs.map((r) => r.user_id)),
  ]);
  const eliminated = eliminatedOn(inGame, answers);
  const inGameSet = new Set(inGame);
  const advancing = answers.filter((a) => a.correct && inGameSet.has(a.user_id)).map((a) => a.user_id).sort();
  return { facts: { statistics, eliminated }, advancing };
}

async function episodeContribution(change: StoredChange<Episode>): Promise<Contribution> {
  const { before, after } = change;
  const changes = episodeChanges(change.kind === 'INSERT' ? undefined : before, after);
  const facts: EpisodeFacts = {};
  let advancing: string[] | undefined;
  const finalized = changes.find((c) => c.kind === 'finalized');
  if (finalized && finalized.kind === 'finalized') {
    const outcome = await questionOutcome(after, finalized.index);
    facts.outcome = outcome.facts;
    advancing = outcome.advancing;
  }
  if (changes.some((c) => c.kind === 'ended') && after.state === 'ENDED' && after.finalized_index >= 0) {
    facts.winners = advancing ?? (await listAnswers(after, after.finalized_index, true, true)).map((r) => r.user_id).sort();
  }
  // An INSERT has no old image; a MODIFY without one (a stream of the wrong view type) cannot be compared.
  const events = change.kind === 'MODIFY' && !before ? [] : episodeEvents(change.kind === 'INSERT' ? undefined : before, after, facts);
  return { sequence: change.sequence, events };
}

function participantContribution(change: StoredChange<Participant>): Contribution {
  // Registrations are never changed once written; only an INSERT is a registration.
  return { sequence: change.sequence, events: change.kind === 'INSERT' ? [participantEvent(change.after)] : [] };
}

function responseContribution(change: StoredChange<Response>): Contribution {
  const { after, before } = change;
  const replaced = change.kind === 'MODIFY' ? before : undefined;
  // A MODIFY that does not change the answer (the same item written again) is not a new fact.
  if (replaced && replaced.received_at === after.received_at && replaced.answer === after.answer) return { sequence: change.sequence, events: [] };
  const delta = (after.correct ? 1 : 0) - (replaced?.correct ? 1 : 0);
  return {
    sequence: change.sequence,
    events: [responseEvent(after, replaced)],
    ...(delta !== 0 ? { correct: { user_id: after.user_id, delta, at: after.received_at } } : {}),
  };
}

/** The contributions of a batch from one table's stream, in stream order. Episode changes load facts one by one. */
export async function contributionsOf(source: EventSource, changes: StoredChange<unknown>[]): Promise<Contribution[]> {
  const out: Contribution[] = [];
  for (const change of changes) {
    if (source === 'episodes') out.push(await episodeContribution(change as StoredChange<Episode>));
    else if (source === 'participants') out.push(participantContribution(change as StoredChange<Participant>));
    else out.push(responseContribution(change as StoredChange<Response>));
  }
  return out;
}

export const eventsOf = (contributions: Contribution[]): DomainEvent[] => contributions.flatMap((c) => c.events);
