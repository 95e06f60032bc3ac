/**
 * The lobby: `GET /api/v1/episode` lists what is not over, soonest first, from the sparse `live` index.
 * Handlers (lambda/): http/listEpisodes, http/getWinners.
 */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { episodeList, winners } from '../../lambda/domain/contract.ts';
import { NOW, PLAYER, TABLES, episode, expectError, getById, lambdaContext, parse, isolateEachTest } from './support.ts';
import { loadHandlers } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ctx = lambdaContext();

const { listEpisodes, getWinners } = loadHandlers(['listEpisodes', 'getWinners']);

isolateEachTest({ mocks: [ddb] });

describe('GET /api/v1/episode', () => {
  it('lists the episodes of the live index that are not over, soonest first, as episode views', async () => {
    const later = episode({ id: 'later', start_at: NOW + 60_000 });
    const sooner = episode({ id: 'sooner', start_at: NOW + 10_000 });
    const justEnded = episode({ id: 'just-ended', state: 'ENDED', ended_at: NOW - 10 });
    const items = [later, sooner, justEnded];
    ddb.on(QueryCommand, { TableName: TABLES.episodes, IndexName: 'live' }).resolves({ Items: items.map((e) => ({ id: e.id })) });
    for (const e of items) ddb.on(GetCommand, { TableName: TABLES.episodes, Key: { id: e.id } }).resolves({ Item: { ...e, live: 'live' } });

    const res = parse(await listEpisodes(getById('/api/v1/episode', {}, PLAYER), ctx));
    expect(res.status).toBe(200);
    const body = episodeList.parse(res.body);
    expect(body.items.map((e) => e.id)).toEqual(['sooner', 'later']);
    expect(body.items[0]).not.toHaveProperty('current_answer');
    expect(body.items[0]).not.toHaveProperty('live');
  });

  it('answers 401 without a signed-in user', async () => {
    const res = parse(await listEpisodes(getById('/api/v1/episode', {}, null), ctx));
    expect(res.status).toBe(401);
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('GET /api/v1/episode/{id}/winners', () => {
  it('names the winners of an ended episode by nickname (no user ids): the right answers to its last question', async () => {
    const ended = episode({ id: 'won', state: 'ENDED', participant_count: 3, eliminated_count: 2, finalized_index: 2, shard_count: 1 });
    ddb.on(GetCommand, { TableName: TABLES.episodes, Key: { id: 'won' } }).resolves({ Item: ended });
    ddb.on(QueryCommand, { TableName: TABLES.responses }).resolves({ Items: [{ pk: 'won#2#0', user_id: 'u-alice', correct: true }] });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLES.users]: [{ id: 'u-alice', nickname: 'alice', created_at: NOW }] } });

    const res = parse(await getWinners(getById('/api/v1/episode/{id}/winners', { id: 'won' }, PLAYER), ctx));
    expect(res.status).toBe(200);
    expect(winners.parse(res.body)).toEqual({ episode_id: 'won', winners_count: 1, winners: [{ nickname: 'alice' }] });
    expect(JSON.stringify(res.body)).not.toContain('u-alice');
    expect(ddb.commandCalls(QueryCommand)[0].args[0].input.ExpressionAttributeValues).toMatchObject({ ':pk': 'won#2#0' });
  });

  it('answers 409 episode_not_ended while the show runs, and 404 for an unknown episode', async () => {
    ddb.on(GetCommand, { TableName: TABLES.episodes, Key: { id: 'running' } }).resolves({ Item: episode({ id: 'running', state: 'QUESTION_OPEN' }) });
    ddb.on(GetCommand, { TableName: TABLES.episodes, Key: { id: 'nope' } }).resolves({});
    expectError(parse(await getWinners(getById('/api/v1/episode/{id}/winners', { id: 'running' }, PLAYER), ctx)), 409, 'episode_not_ended');
    expectError(parse(await getWinners(getById('/api/v1/episode/{id}/winners', { id: 'nope' }, PLAYER), ctx)), 404, 'episode_not_found');
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
