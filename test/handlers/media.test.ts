/**
 * Question media: `POST /api/v1/media` presigns an S3 PUT (signed locally by the SDK: no network, no S3 call) for a
 * new `media/<uuid>.<ext>` key, and a question's `media_url` reaches players through `GET /api/v1/episode/{id}`.
 * Handlers (lambda/): http/createMediaUpload, http/getEpisode, http/createQuestion.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { envNames } from '../../lambda/shared/resources.ts';
import { MAX_MEDIA_BYTES, UPLOAD_URL_TTL_SECONDS } from '../../lambda/domain/media.ts';
import { ADMIN, NOW, PLAYER, expectError, getById, lambdaContext, openEpisode, parse, post, question, isolateEachTest } from './support.ts';
import { loadHandlers } from './loadHandlers.ts';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBDocumentClient);
const ctx = lambdaContext();

const BUCKET = 'test-media-bucket';
const CDN_URL = 'https://d111111abcdef8.cloudfront.net';

const { createMediaUpload, getEpisode, createQuestion } = loadHandlers(['createMediaUpload', 'getEpisode', 'createQuestion'], { [envNames.bucket('media')]: BUCKET, [envNames.setting('cdnUrl')]: `${CDN_URL}/` });

isolateEachTest({ mocks: [s3, ddb] });
beforeEach(() => ddb.resolves({}));

interface Upload {
  upload_url: string;
  upload_method: string;
  upload_headers: Record<string, string>;
  media_url: string;
  key: string;
  expires_in: number;
}

const KEY = /^media\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.(png|jpg|webp|gif|avif|mp3|mp4)$/;

async function upload(body: unknown, claims = ADMIN) {
  return parse(await createMediaUpload(post('/api/v1/media', body, claims), ctx));
}

describe('POST /api/v1/media', () => {
  it('answers with a presigned PUT for a new media/<uuid>.png key in the media bucket, and its CDN URL', async () => {
    const res = await upload({ content_type: 'image/png', content_length: 2048 });
    expect(res.status).toBe(200);
    const body = res.body as unknown as Upload;
    expect(Object.keys(body).sort()).toEqual(['expires_in', 'key', 'media_url', 'upload_headers', 'upload_method', 'upload_url']);
    expect(body.key).toMatch(KEY);
    expect(body.key.endsWith('.png')).toBe(true);
    // CDN_URL's trailing slash is not doubled; CloudFront serves /media/* from the bucket's media/ prefix.
    expect(body.media_url).toBe(`${CDN_URL}/${body.key}`);
    expect(body.expires_in).toBe(UPLOAD_URL_TTL_SECONDS);
    expect(body.upload_method).toBe('PUT');
    expect(body.upload_headers).toEqual({ 'content-type': 'image/png' });

    const url = new URL(body.upload_url);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe(`${BUCKET}.s3.eu-west-1.amazonaws.com`);
    expect(url.pathname).toBe(`/${body.key}`);
    const q = url.searchParams;
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toMatch(/^test\/20231114\/eu-west-1\/s3\/aws4_request$/);
    expect(q.get('X-Amz-Date')).toBe('20231114T221320Z'); // NOW, the pinned clock
    expect(q.get('X-Amz-Expires')).toBe(String(UPLOAD_URL_TTL_SECONDS));
    expect(q.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(q.get('x-id')).toBe('PutObject');
    // The content type and the length are signed: S3 refuses a PUT with another type or another number of bytes.
    expect(q.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['content-length', 'content-type', 'host']);
    // No checksum of an empty body (the SDK's default for presigned PUTs), which would make S3 reject every upload.
    expect([...q.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
  });

  it('signs the length, and picks the extension from the type', async () => {
    const body = (await upload({ content_type: 'image/jpeg', content_length: 123_456 })).body as unknown as Upload;
    expect(body.key).toMatch(/\.jpg$/);
    const url = new URL(body.upload_url);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['content-length', 'content-type', 'host']);
    expect(body.upload_headers).toEqual({ 'content-type': 'image/jpeg' });
  });

  it('gives every upload its own key', async () => {
    const keys = new Set<string>();
    for (let i = 0; i < 5; i++) keys.add(((await upload({ content_type: 'image/webp', content_length: 10 })).body as unknown as Upload).key);
    expect(keys.size).toBe(5);
  });

  it('signs without any request to S3 (presigning is local)', async () => {
    await upload({ content_type: 'audio/mpeg', content_length: 10 });
    expect(s3.calls()).toHaveLength(0);
  });

  it('is for admins only', async () => {
    expectError(await upload({ content_type: 'image/png', content_length: 10 }, PLAYER), 403, 'admin_only');
  });

  it.each([
    ['an SVG (it can carry script)', { content_type: 'image/svg+xml' }],
    ['HTML', { content_type: 'text/html' }],
    ['no content type', {}],
    ['no content_length (an upload of unbounded size)', { content_type: 'image/png' }],
    ['a length over the limit', { content_type: 'image/png', content_length: MAX_MEDIA_BYTES + 1 }],
    ['a zero length', { content_type: 'image/png', content_length: 0 }],
    ['a fractional length', { content_type: 'image/png', content_length: 1.5 }],
    ['an unknown field', { content_type: 'image/png', key: 'media/mine.png' }],
  ])('rejects %s with 400 invalid_body', async (_name, body) => {
    expectError(await upload(body), 400, 'invalid_body');
  });
});

describe('POST /api/v1/media against a custom S3 endpoint (the local stack)', () => {
  it('addresses the bucket path-style under the endpoint', async () => {
    vi.resetModules();
    vi.stubEnv('AWS_ENDPOINT_URL_S3', 'http://127.0.0.1:3999/_local/media');
    try {
      const handler = (await import('../../lambda/http/createMediaUpload.ts')).handler;
      const body = parse(await handler(post('/api/v1/media', { content_type: 'image/gif', content_length: 10 }, ADMIN), ctx)).body as unknown as Upload;
      const url = new URL(body.upload_url);
      expect(`${url.origin}${url.pathname}`).toBe(`http://127.0.0.1:3999/_local/media/${BUCKET}/${body.key}`);
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL_S3', '');
      vi.resetModules();
    }
  });
});

describe('GET /api/v1/episode/{id} and media', () => {
  it('passes the open question’s media_url through in current_question (and still no answer)', async () => {
    const q = { ...question('q1', 1), media_url: `${CDN_URL}/media/0b0e7a4e-1f2a-4c3b-9d4e-5f6a7b8c9d0e.png` };
    const e = openEpisode(0, 1000, q);
    ddb.on(GetCommand).resolves({ Item: { ...e, current_question: { ...e.current_question, media_url: q.media_url } } });
    const res = parse(await getEpisode(getById('/api/v1/episode/{id}', { id: 'ep1' }), ctx));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=1');
    expect(res.body.server_time).toBe(NOW);
    expect(res.body.current_question).toEqual({ id: 'q1', question: q.question, options: q.options, media_url: q.media_url });
  });
});

describe('a question\u2019s media_url: only https on the stack\u2019s own CDN media path', () => {
  const OWN = `${CDN_URL}/media/0b0e7a4e-1f2a-4c3b-9d4e-5f6a7b8c9d0e.png`;
  const create = async (media_url: string) =>
    parse(await createQuestion(post('/api/v1/question', { question: 'What is shown?', options: ['a', 'b'], answer: 0, media_url }, ADMIN), ctx));

  it('accepts the media_url of an upload to this stack', async () => {
    expect((await create(OWN)).status).toBe(201);
    expect(ddb.calls()).toHaveLength(1);
  });

  it.each([
    ['javascript:', 'javascript:alert(1)'],
    ['the instance metadata service', 'http://169.254.169.254/latest/meta-data/'],
    ['plain http on our host', OWN.replace('https:', 'http:')],
    ['another host', 'https://evil.example.com/media/0b0e7a4e-1f2a-4c3b-9d4e-5f6a7b8c9d0e.png'],
    ['our host as a subdomain of another', `https://d111111abcdef8.cloudfront.net.evil.example.com/media/0b0e7a4e-1f2a-4c3b-9d4e-5f6a7b8c9d0e.png`],
    ['a user-info trick', `https://d111111abcdef8.cloudfront.net@evil.example.com/media/0b0e7a4e-1f2a-4c3b-9d4e-5f6a7b8c9d0e.png`],
    ['outside the media path', `${CDN_URL}/api/v1/health`],
    ['a path traversal', `${CDN_URL}/media/../api/v1/health`],
    ['a type we do not accept', `${CDN_URL}/media/0b0e7a4e-1f2a-4c3b-9d4e-5f6a7b8c9d0e.svg`],
    ['a key we did not make', `${CDN_URL}/media/logo.png`],
    ['a query string', `${OWN}?x=1`],
  ])('refuses %s with 422 media_url_not_ours or 400, storing nothing', async (_name, url) => {
    const res = await create(url);
    expect([400, 422]).toContain(res.status);
    expect((res.body.error as { code: string }).code).toMatch(/^(media_url_not_ours|invalid_body)$/);
    expect(ddb.calls()).toHaveLength(0);
  });
});
