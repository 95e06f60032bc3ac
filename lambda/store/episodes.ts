/**
 * The episodes table: one item per episode. Hot for reads during a show (served through a 1-second cache), and
 * written only by the runner's transitions (conditional on `version`) and once per registration batch.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { isTerminal } from '../domain/episode.ts';
import type { Episode } from '../domain/schemas.ts';
import { TtlCache } from '../shared/cache.ts';
import { numberFromEnv, tableName } from '../shared/env.ts';
import { documents } from './clients.ts';
import { createOnce, getById } from './records.ts';
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
  'version',
] as const satisfies readonly (keyof Episode)[];

/**
 * Writes a transition computed from `from`. Succeeds only if nobody else moved the episode since it was read,
 * so duplicated or concurrent runners can never skip or repeat a step. Returns false when another runner won.
 */
/** `audit`: an admin's change (a cancellation) is recorded as `updated_by` and `updated_at`; the runner's steps are not. */
export async function saveTransition(from: Episode, to: Episode, audit?: { by: string; at: number }): Promise<boolean> {
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = { ':expected': from.version };
  const sets: string[] = [];
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
  try {
    await documents.send(
      new UpdateCommand({
        TableName: table(),
        Key: { id: from.id },
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/**
 * Raises `participant_count` to `count` unless it is already there. Counters running in parallel each write the
 * total they summed; the largest total includes every batch, so the stored count only ever grows to the truth.
 */
export async function raiseParticipantCount(id: string, count: number): Promise<Episode | undefined> {
  try {
    const out = await documents.send(
      new UpdateCommand({
        TableName: table(),
        Key: { id },
        UpdateExpression: 'SET participant_count = :n',
        ConditionExpression: 'attribute_exists(id) AND participant_count < :n',
        ExpressionAttributeValues: { ':n': count },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strip(out.Attributes as Episode);
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return undefined;
    throw err;
  }
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
