/** The lobby: `GET /api/v1/episode` lists what is not over, soonest first, from the sparse `live` index. */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { episodeList } from '../../lambda/domain/contract.ts';
import { NOW, PLAYER, TABLES, episode, getById, lambdaContext, parse, pinClock, stubEnvironment } from './support.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ctx = lambdaContext();
let listEpisodes: typeof import('../../lambda/http/listEpisodes.ts').handler;

beforeAll(async () => {
  stubEnvironment();
  listEpisodes = (await import('../../lambda/http/listEpisodes.ts')).handler;
});

beforeEach(() => {
  ddb.reset();
  pinClock();
});

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
