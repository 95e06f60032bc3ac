/**
 * Every winner of an ended episode, a page at a time (admins): a merge of the response shards, each read in
 * `user_id` order from the cursor on, at most a page and one more a shard.
 * Handlers (lambda/): http/listWinners.
 */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { shardOf } from '../../lambda/domain/answers.ts';
import type { Episode } from '../../lambda/domain/schemas.ts';
import { ADMIN, NOW, PLAYER, TABLES, episode, expectError, getById, lambdaContext, parse, isolateEachTest, type Claims } from './support.ts';
import { loadHandlers, clearEpisodeCache } from './loadHandlers.ts';
import { storedStatistics } from '../support/statistics.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ctx = lambdaContext();
const { listWinners } = loadHandlers(['listWinners']);
isolateEachTest({ mocks: [ddb], clearEpisodeCache });

const SHARDS = 3;
const ended = episode({ state: 'ENDED', shard_count: SHARDS, participant_count: 9, eliminated_count: 5, current_question_index: 1, finalized_index: 1 });
const winnerIds = ['u1', 'u3', 'u4', 'u6', 'u8'];
const loserIds = ['u2', 'u5', 'u7', 'u9'];

/** The responses table as DynamoDB serves a Query: partitions sorted by `user_id`, `Limit` counting items read before the filter. */
function responsesTable() {
  const partitions = new Map<string, { user_id: string; correct: boolean }[]>();
  for (const [ids, correct] of [[winnerIds, true], [loserIds, false]] as const) {
    for (const id of ids) {
      const pk = `ep1#1#${shardOf(id, SHARDS)}`;
      partitions.set(pk, [...(partitions.get(pk) ?? []), { user_id: id, correct }].sort((a, b) => (a.user_id < b.user_id ? -1 : 1)));
    }
  }
  ddb.on(QueryCommand, { TableName: TABLES.responses }).callsFake((q: QueryCommandInput) => {
    const values = q.ExpressionAttributeValues!;
    const from = (q.ExclusiveStartKey?.user_id as string | undefined) ?? (values[':after'] as string | undefined) ?? '';
    const rest = (partitions.get(values[':pk'] as string) ?? []).filter((r) => r.user_id > from);
    const read = rest.slice(0, q.Limit ?? rest.length);
    const more = read.length < rest.length;
    return {
      Items: read.filter((r) => r.correct).map((r) => ({ user_id: r.user_id })),
      ...(more ? { LastEvaluatedKey: { pk: values[':pk'], user_id: read.at(-1)!.user_id } } : {}),
    };
  });
}

function stored(e: Episode) {
  ddb.on(GetCommand, { TableName: TABLES.episodes, Key: { id: e.id } }).resolves({ Item: e });
  ddb.on(GetCommand, { TableName: TABLES.statistics }).resolves({
    Item: { pk: 'ep1#q1', sk: 'final', ...storedStatistics({ counts: [5, 2, 0], correct: 0, playersBefore: 9, questionIndex: 1 }, { start: NOW - 30_000, end: NOW - 20_000, finalizedAt: NOW - 17_500 }) },
  });
  ddb.on(BatchGetCommand).resolves({ Responses: { [TABLES.users]: [{ id: 'u3', nickname: 'Cleo', created_at: 1 }] } });
  responsesTable();
}

const list = (query: Record<string, string> = {}, claims: Claims = ADMIN) => {
  const event = getById('/api/v1/report/episode/{id}/winners', { id: 'ep1' }, claims);
  return listWinners({ ...event, queryStringParameters: query, rawQueryString: new URLSearchParams(query).toString() }, ctx).then(parse);
};

describe('GET /api/v1/report/episode/{id}/winners', () => {
  it('pages through every winner by user id, the count exact from the final statistics, each shard read a page and one more at a time', async () => {
    stored(ended);
    const pages: unknown[][] = [];
    let next: string | undefined;
    do {
      const res = await list({ limit: '2', ...(next ? { next } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.winners_count).toBe(5);
      pages.push((res.body.items as { user_id: string }[]).map((w) => w.user_id));
      next = res.body.next as string | undefined;
    } while (next);
    expect(pages).toEqual([['u1', 'u3'], ['u4', 'u6'], ['u8']]);
    const first = await list({ limit: '2' });
    expect((first.body.items as unknown[])[1]).toEqual({ user_id: 'u3', nickname: 'Cleo', display_name: 'Cleo' });
    for (const call of ddb.commandCalls(QueryCommand)) expect(call.args[0].input.Limit).toBeLessThanOrEqual(3);
  });

  it('refuses a cursor that was edited, or handed out for another episode, with 400 invalid_cursor', async () => {
    stored(ended);
    const { body } = await list({ limit: '1' });
    const [payload, mac] = (body.next as string).split('.');
    const edited = `${Buffer.from(JSON.stringify({ episode_id: 'ep1', after: 'u0' })).toString('base64url')}.${mac}`;
    expect(payload).not.toBe(edited.split('.')[0]);
    expectError(await list({ next: edited }), 400, 'invalid_cursor');
    stored({ ...ended, id: 'ep2' });
    const other = getById('/api/v1/report/episode/{id}/winners', { id: 'ep2' }, ADMIN);
    const res = parse(await listWinners({ ...other, queryStringParameters: { next: body.next as string } }, ctx));
    expectError(res, 400, 'invalid_cursor');
  });

  it('answers 409 episode_not_ended before the end, 400 for a page over 1000, and 403 to a player', async () => {
    stored({ ...ended, state: 'QUESTION_CLOSED' });
    expectError(await list(), 409, 'episode_not_ended');
    expectError(await list({ limit: '1001' }), 400, 'invalid_query');
    expectError(await list({}, PLAYER), 403, 'admin_only');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

