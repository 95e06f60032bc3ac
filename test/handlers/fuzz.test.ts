/**
 * Fuzzing the handlers that take a body: fast-check bodies built over each route's zod schema (its own field names with
 * values of any type, plus extra keys) and arbitrary JSON, and a hand-picked corpus (deep nesting, 1 MB, unicode,
 * duplicate keys, prototype-pollution keys). For every input: never a 5xx; a body the schema refuses gets a 4xx in the
 * contract's shape and nothing is stored (no DynamoDB write, no SQS message).
 * Handlers (lambda/): http/createQuestion, http/createGame, http/createEpisode, http/registerParticipant, http/submitResponse,
 *  http/updateMe, http/createMediaUpload.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mockClient } from 'aws-sdk-client-mock';
import { BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import type { ZodObject, ZodType } from 'zod';
import { envNames } from '../../lambda/shared/resources.ts';
import * as schemas from '../../lambda/domain/schemas.ts';
import { ADMIN, PLAYER, httpEvent, lambdaContext, parse, stubEnvironment, isolateEachTest } from './support.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const events = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);
const ctx = lambdaContext();

type Handler = (event: ReturnType<typeof httpEvent>, context: typeof ctx) => Promise<unknown>;
interface Route {
  name: string;
  path: string;
  method: 'POST' | 'PUT';
  admin: boolean;
  schema: ZodType;
  handler?: Handler;
}

const routes: Route[] = [
  { name: 'createQuestion', path: '/api/v1/question', method: 'POST', admin: true, schema: schemas.questionInput },
  { name: 'createGame', path: '/api/v1/game', method: 'POST', admin: true, schema: schemas.gameInput },
  { name: 'createEpisode', path: '/api/v1/episode', method: 'POST', admin: true, schema: schemas.episodeInput },
  { name: 'registerParticipant', path: '/api/v1/participant', method: 'POST', admin: false, schema: schemas.participantInput },
  { name: 'submitResponse', path: '/api/v1/response', method: 'POST', admin: false, schema: schemas.responseInput },
  { name: 'updateMe', path: '/api/v1/user/me', method: 'PUT', admin: false, schema: schemas.userUpdateInput },
  { name: 'createMediaUpload', path: '/api/v1/media', method: 'POST', admin: true, schema: schemas.mediaUploadInput },
];

beforeAll(async () => {
  stubEnvironment({
    [envNames.bucket('media')]: 'test-media',
    [envNames.setting('cdnUrl')]: 'https://d111111abcdef8.cloudfront.net',
    [envNames.setting('responseShards')]: '16',
    [envNames.bus('events')]: 'test-bus',
  });
  for (const r of routes) r.handler = (await import(`../../lambda/http/${r.name}.ts`)).handler as Handler;
}, 120_000); // seven handler modules with their SDK clients: slow to import on a loaded machine

isolateEachTest({ mocks: [ddb, sqs, events, s3] });
beforeEach(() => {
  ddb.resolves({});
  sqs.resolves({});
  events.resolves({ FailedEntryCount: 0, Entries: [] });
});

const stored = () =>
  ddb.commandCalls(PutCommand).length +
  ddb.commandCalls(UpdateCommand).length +
  ddb.commandCalls(DeleteCommand).length +
  ddb.commandCalls(BatchWriteCommand).length +
  ddb.commandCalls(TransactWriteCommand).length +
  sqs.calls().length;

async function send(route: Route, raw: string) {
  const event = httpEvent(route.method, route.path, `${route.path}/`, { claims: route.admin ? ADMIN : PLAYER, body: raw });
  return parse((await route.handler!(event, ctx)) as never);
}

function expectRefused(res: Awaited<ReturnType<typeof send>>, label: string) {
  expect(res.status, label).toBeGreaterThanOrEqual(400);
  expect(res.status, label).toBeLessThan(500);
  expect(Object.keys(res.body), label).toEqual(['error']);
  const error = res.body.error as { code: string; message: string };
  expect(error.code, label).toMatch(/^[a-z][a-z0-9_]*$/);
  expect(typeof error.message, label).toBe('string');
}

/** Objects with the schema's own field names (any subset) holding values of any type, and sometimes an extra key. */
function schemaShaped(schema: ZodType) {
  const keys = Object.keys((schema as unknown as ZodObject).shape ?? {});
  const record = fc.record(Object.fromEntries(keys.map((k) => [k, fc.jsonValue()])), { requiredKeys: [] });
  return fc.oneof(record, fc.tuple(record, fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue(), { maxKeys: 2 })).map(([a, b]) => ({ ...b, ...a })));
}

describe('fuzz: bodies the schema refuses get a 4xx in the contract shape and store nothing; nothing gets a 5xx', () => {
  for (const route of routes) {
    it(`${route.method} ${route.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(schemaShaped(route.schema), fc.jsonValue()), async (body) => {
          ddb.resetHistory();
          sqs.resetHistory();
          const res = await send(route, JSON.stringify(body));
          expect(res.status).toBeLessThan(500);
          if (!route.schema.safeParse(body).success) {
            expectRefused(res, JSON.stringify(body).slice(0, 200));
            expect(stored()).toBe(0);
          }
        }),
        { numRuns: 60 },
      );
    });
  }
});

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const corpus: [string, string][] = [
  ['deep array nesting under the body limit (5,000 levels)', deep(5_000)],
  ['deep object nesting under the body limit (2,000 levels)', deepObject(2_000)],
  ['deep array nesting (100,000 levels)', deep(100_000)],
  ['deep object nesting (50,000 levels)', deepObject(50_000)],
  ['a 1 MB body', JSON.stringify({ question: 'x'.repeat(1024 * 1024) })],
  ['a 1 MB string of multi-byte characters', JSON.stringify({ nickname: '€'.repeat(350_000) })],
  ['unicode: emoji, RTL override, NUL, lone surrogate', JSON.stringify({ question: '😀\u202e\u0000\ud800', options: ['\u0000', '\ud83d'], answer: '٣', episode_id: '\u202eevil' })],
  ['duplicate keys', '{"episode_id":"e1","episode_id":{"$ne":null},"question_id":"q","question_id":1,"answer":"0","answer":[]}'],
  ['__proto__ key', '{"__proto__":{"isAdmin":true,"polluted":true},"episode_id":"e1"}'],
  ['constructor.prototype key', '{"constructor":{"prototype":{"polluted":true}},"nickname":"x"}'],
  ['prototype-pollution path keys', '{"__proto__.polluted":true,"constructor[prototype][polluted]":true}'],
  ['not JSON', '{"episode_id": '],
  ['JSON null', 'null'],
  ['a bare number', '1e999'],
  ['an array', '[{"episode_id":"e1"}]'],
];

describe('fuzz corpus: hand-picked hostile bodies against every route that takes one', () => {
  for (const [name, raw] of corpus) {
    it(name, async () => {
      for (const route of routes) {
        ddb.resetHistory();
        sqs.resetHistory();
        const res = await send(route, raw);
        expectRefused(res, `${route.name}: ${name}`);
        expect(stored(), `${route.name}: ${name}`).toBe(0);
      }
      // Nothing leaked onto Object.prototype.
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });
  }
});
