/**
 * The episodes table: one item per episode. Hot for reads during a show (served through a 1-second cache), and
 * written only by the runner's transitions (conditional on `version`) and once per registration batch.
 */
import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { isTerminal } from '../domain/episode.ts';
import type { Episode } from '../domain/schemas.ts';
import { TtlCache } from '../shared/cache.ts';
import { numberFromEnv, tableName } from '../shared/env.ts';
import { documents } from './clients.ts';
import { createOnce, getById } from './createOnce.ts';
import { queryAll } from './query.ts';

const table = () => tableName('episodes');
const LIVE = 'live';

export async function createEpisode(e: Episode, fp: string) {
  return createOnce(table(), { ...e, live: LIVE } as Episode, fp).then((r) => ({ ...r, item: strip(r.item) }));
}

function strip(item: Episode & { live?: string }): Episode {
  const { live: _live, ...rest } = item;
  return rest;
}

/** A conditional update of one episode: the episode as stored after it, or undefined when its condition did not hold. */
async function updateIf(update: Omit<UpdateCommandInput, 'TableName' | 'ReturnValues'>): Promise<Episode | undefined> {
  try {
    const out = await documents.send(new UpdateCommand({ TableName: table(), ...update, ReturnValues: 'ALL_NEW' }));
    return strip(out.Attributes as Episode);
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return undefined;
    throw err;
  }
}

export async function getEpisode(id: string, consistent = false): Promise<Episode | undefined> {
  const item = await getById<Episode & { live?: string }>(table(), id, consistent);
  return item ? strip(item) : undefined;
}

const cache = new TtlCache<Episode | undefined>(numberFromEnv('EPISODE_CACHE_MS', 1000), (id) => getEpisode(id));

/** The episode through the container's short cache; `maxAgeMs` 0 forces a fresh read. */
export async function getEpisodeCached(id: string, maxAgeMs?: number) {
  return cache.get(id, maxAgeMs);
}

export const clearEpisodeCache = () => cache.clear();

/** Fields the runner owns. `participant_count` is not among them: the registration counter owns it. */
const RUNNER_FIELDS = [
  'state',
  'current_question_index',
  'question_start_timestamp',
  'question_end_timestamp',
  'current_question',
  'current_answer',
  'finalized_index',
  'eliminated_count',
  'next_step_at',
  'started_at',
  'ended_at',
  'end_reason',
  'current_statistics',
  'version',
] as const satisfies readonly (keyof Episode)[];

/**
 * Writes a transition computed from `from`, stamped with the next live-channel `seq` (an atomic ADD: count
 * announcements raise it too, without touching `version`). Succeeds only if nobody else moved the episode since it was
 * read, so duplicated or concurrent runners can never skip or repeat a step. Returns the stored episode, or undefined
 * when another runner won. `audit`: an admin's change (a cancellation) is recorded as `updated_by` and `updated_at`;
 * the runner's steps are not.
 */
export async function saveTransition(from: Episode, to: Episode, now: number, audit?: { by: string; at: number }): Promise<Episode | undefined> {
  const names: Record<string, string> = { '#version': 'version', '#seq': 'seq', '#seqAt': 'seq_at', '#announced': 'announced_count', '#count': 'participant_count' };
  const values: Record<string, unknown> = { ':expected': from.version, ':one': 1, ':now': now };
  // Every transition's event carries the participant count as stored: it is announced with it.
  const sets: string[] = ['#seqAt = :now', '#announced = #count'];
  const removes: string[] = [];
  RUNNER_FIELDS.forEach((field, n) => {
    const value = to[field];
    if (value === undefined) {
      if (from[field] === undefined) return;
      removes.push(`#f${n}`);
    } else {
      values[`:v${n}`] = value;
      sets.push(`#f${n} = :v${n}`);
    }
    names[`#f${n}`] = field;
  });
  if (audit) {
    Object.assign(names, { '#updatedBy': 'updated_by', '#updatedAt': 'updated_at' });
    Object.assign(values, { ':updatedBy': audit.by, ':updatedAt': audit.at });
    sets.push('#updatedBy = :updatedBy', '#updatedAt = :updatedAt');
  }
  if (isTerminal(to)) {
    names['#live'] = 'live';
    removes.push('#live');
  }
  return updateIf({
    Key: { id: from.id },
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD #seq :one`,
    ConditionExpression: '#version = :expected',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/**
 * Announces the participant count on the live channel: raises `seq` once the count has changed and the last event is at
 * least `intervalMs` old (lambda/domain/live.ts, `countAnnouncementDue`). Returns the stored episode, or undefined when
 * nothing was due (another announcer won, or it is too soon).
 */
export async function announceParticipantCount(id: string, now: number, intervalMs: number): Promise<Episode | undefined> {
  return updateIf({
    Key: { id },
    UpdateExpression: 'SET announced_count = participant_count, seq_at = :now ADD seq :one',
    ConditionExpression:
      'attribute_exists(id) AND #state IN (:created, :started) AND (attribute_not_exists(announced_count) OR announced_count <> participant_count) AND (attribute_not_exists(seq_at) OR seq_at <= :cutoff)',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':now': now, ':one': 1, ':cutoff': now - intervalMs, ':created': 'CREATED', ':started': 'STARTED' },
  });
}

/**
 * Records that the event with this `seq` was published, so that the stream relay does not publish it again. The mark
 * only moves from `seq - 1` to `seq`: an earlier event that failed to publish keeps the mark below it, and the relay
 * (which reads the stream in order) publishes it and every later one.
 */
export async function markPublished(id: string, seq: number): Promise<void> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: table(),
        Key: { id },
        UpdateExpression: 'SET published_seq = :seq',
        ConditionExpression: seq === 1 ? 'attribute_exists(id) AND attribute_not_exists(published_seq)' : 'published_seq = :previous',
        ExpressionAttributeValues: { ':seq': seq, ...(seq === 1 ? {} : { ':previous': seq - 1 }) },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

/**
 * Raises `participant_count` to `count` unless it is already there. Counters running in parallel each write the
 * total they summed; the largest total includes every batch, so the stored count only ever grows to the truth.
 */
export async function raiseParticipantCount(id: string, count: number): Promise<Episode | undefined> {
  return updateIf({
    Key: { id },
    UpdateExpression: 'SET participant_count = :n',
    ConditionExpression: 'attribute_exists(id) AND participant_count < :n',
    ExpressionAttributeValues: { ':n': count },
  });
}

/** Ids of episodes that are not over, from the sparse `live` index. */
export async function listLiveEpisodeIds(): Promise<string[]> {
  const items = await queryAll<{ id: string }>({
    TableName: table(),
    IndexName: 'live',
    KeyConditionExpression: '#live = :live',
    ExpressionAttributeNames: { '#live': 'live' },
    ExpressionAttributeValues: { ':live': LIVE },
    ProjectionExpression: 'id',
  });
  return items.map((i) => i.id);
}

/** Id, state and questions of every episode that is not over, from the sparse `live` index (rule 6 across episodes). */
export async function listLiveEpisodeQuestions(): Promise<Pick<Episode, 'id' | 'state' | 'qset'>[]> {
  return queryAll<Pick<Episode, 'id' | 'state' | 'qset'>>({
    TableName: table(),
    IndexName: 'live',
    KeyConditionExpression: '#live = :live',
    ExpressionAttributeNames: { '#live': 'live', '#id': 'id', '#state': 'state' },
    ExpressionAttributeValues: { ':live': LIVE },
    ProjectionExpression: '#id, #state, qset',
  });
}
