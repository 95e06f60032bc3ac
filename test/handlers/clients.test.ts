/**
 * The routes added for clients: GET /api/v1/openapi.json (public) and GET /api/v1/question (admins, paginated).
 * Handlers (lambda/): http/openapiSpec, http/listQuestions.
 */
import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { generateOpenApi } from '../../lib/openapi.ts';
import { validateResponse } from '../e2e/support/openapi.ts';
import { ADMIN, PLAYER, TABLES, expectError, httpEvent, lambdaContext, parse, question, isolateEachTest } from './support.ts';
import { loadHandlers } from './loadHandlers.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const ctx = lambdaContext();

const { openapiSpec, listQuestions } = loadHandlers(['openapiSpec', 'listQuestions']);
isolateEachTest({ mocks: [ddb] });

describe('GET /api/v1/openapi.json', () => {
  it('serves the generated document to anyone, with this API as its server', async () => {
    const res = parse(await openapiSpec(httpEvent('GET', '/api/v1/openapi.json', '/api/v1/openapi.json', { claims: null }), ctx));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const { servers, ...rest } = res.body;
    expect(servers).toEqual([{ url: 'https://abc123.execute-api.eu-west-1.amazonaws.com' }]);
    const { servers: _s, ...generated } = generateOpenApi();
    expect(rest).toEqual(generated);
    validateResponse('GET', '/api/v1/openapi.json', 200, res.body);
  });
});

describe('GET /api/v1/question', () => {
  const list = (query?: Record<string, string>, claims = ADMIN) => httpEvent('GET', '/api/v1/question', '/api/v1/question', { claims, ...(query ? { query } : {}) });

  it('is for admins only', async () => {
    expectError(parse(await listQuestions(list(undefined, PLAYER), ctx)), 403, 'admin_only');
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('returns a page without fingerprints and a cursor for the next one', async () => {
    ddb.on(ScanCommand).callsFake((input: { ExclusiveStartKey?: unknown }) =>
      input.ExclusiveStartKey ? { Items: [question('q3')] } : { Items: [{ ...question('q1'), fingerprint: 'x' }, question('q2')], LastEvaluatedKey: { id: 'q2' } },
    );
    const res = parse(await listQuestions(list({ limit: '2' }), ctx));
    expect(res.status).toBe(200);
    expect((res.body.items as { id: string }[]).map((q) => q.id)).toEqual(['q1', 'q2']);
    expect(JSON.stringify(res.body)).not.toContain('fingerprint');
    // Opaque and signed: the position, then its MAC (lambda/shared/cursor.ts).
    expect(res.body.next).toMatch(new RegExp(`^${Buffer.from(JSON.stringify({ id: 'q2' })).toString('base64url')}\\.[\\w-]{43}$`));
    expect(ddb.commandCalls(ScanCommand)[0].args[0].input).toMatchObject({ TableName: TABLES.questions, Limit: 2 });
    validateResponse('GET', '/api/v1/question', 200, res.body);

    const next = parse(await listQuestions(list({ limit: '2', next: res.body.next as string }), ctx));
    expect(next.body).toEqual({ items: [{ ...question('q3'), answer: String(question('q3').answer) }] });
    expect(ddb.commandCalls(ScanCommand)[1].args[0].input.ExclusiveStartKey).toEqual({ id: 'q2' });
  });

  it('keeps reading short Scan pages until the page is full', async () => {
    ddb.on(ScanCommand)
      .resolvesOnce({ Items: [question('q1')], LastEvaluatedKey: { id: 'q1' } })
      .resolvesOnce({ Items: [question('q2')], LastEvaluatedKey: { id: 'q2' } });
    const res = parse(await listQuestions(list({ limit: '2' }), ctx));
    expect((res.body.items as unknown[]).length).toBe(2);
    expect(ddb.commandCalls(ScanCommand).map((c) => c.args[0].input.Limit)).toEqual([2, 1]);
  });

  it('rejects a bad limit or a forged cursor with 400 and never scans', async () => {
    expectError(parse(await listQuestions(list({ limit: '0' }), ctx)), 400, 'invalid_query');
    expectError(parse(await listQuestions(list({ limit: '101' }), ctx)), 400, 'invalid_query');
    expectError(parse(await listQuestions(list({ next: Buffer.from('{"pk":"x","id":"y"}').toString('base64url') }), ctx)), 400, 'invalid_cursor');
    expectError(parse(await listQuestions(list({ next: 'not base64 json' }), ctx)), 400, 'invalid_cursor');
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });
});
