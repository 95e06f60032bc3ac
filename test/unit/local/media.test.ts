/**
 * The local stand-in for S3 and CloudFront of question media (lib/local/media.ts): the real upload handler presigns
 * against it, a client PUTs to the presigned URL and GETs the media URL, all through the local API server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { startApiServer, type ApiServer } from '../../../lib/local/apiServer.ts';
import type { JwtAuthorizer } from '../../../lib/local/authorizer.ts';
import { handlerEnvironment } from '../../../lib/local/env.ts';
import { LOCAL_MEDIA_PATH, createLocalMedia, localBucketName, localMediaEnvironment } from '../../../lib/local/media.ts';
import { LOCAL_CREDENTIALS } from '../../../lib/local/names.ts';
import { createRouter } from '../../../lib/local/router.ts';
import { LOCAL_RESPONSE_SHARDS } from '../../../lib/sizing.ts';
import { envNames } from '../../../lambda/shared/resources.ts';
import { lambdaContext } from '../../handlers/support.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const bucket = localBucketName('media');

describe('local media through the local API server and the real upload handler', () => {
  let server: ApiServer;
  let dir: string;
  let handler: ((event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<unknown>) | undefined;
  const authorizer: JwtAuthorizer = async (header) =>
    header === 'Bearer admin' ? { ok: true, claims: { sub: 'admin-1', token_use: 'access', 'cognito:groups': '[admin]' }, scopes: null } : { ok: false, reason: 'bad' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trivia-media-test-'));
    server = await startApiServer({
      port: 0,
      router: createRouter(),
      authorizer,
      media: createLocalMedia(dir),
      invoke: async (functionId, event) => {
        if (functionId !== 'createMediaUpload' || !handler) throw new Error(`unexpected ${functionId}`);
        return handler(event as APIGatewayProxyEventV2WithJWTAuthorizer, lambdaContext('createMediaUpload'));
      },
    });
    // The environment the local stack gives the functions, as lib/local/stack.ts builds it once the API is up.
    const env = {
      ...handlerEnvironment({
        dynamoEndpoint: 'http://127.0.0.1:9',
        sqsEndpoint: 'http://127.0.0.1:9',
        cognitoEndpoint: 'http://127.0.0.1:9',
        tableNames: {} as never,
        queueUrls: {} as never,
        userPoolId: 'local_pool',
        userPoolClientId: 'client',
        outboxFile: join(dir, 'outbox.jsonl'),
        quiet: true,
        rootDir: join(import.meta.dirname, '../../..'),
      }),
      ...localMediaEnvironment(server.url),
    };
    for (const [k, v] of Object.entries(env)) if (v !== undefined) vi.stubEnv(k, v);
    vi.resetModules();
    handler = (await import('../../../lambda/http/createMediaUpload.ts')).handler as unknown as typeof handler;
  });

  afterAll(async () => {
    await server.stop();
    vi.unstubAllEnvs();
    vi.resetModules();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the functions the local bucket, its endpoint, CDN_URL and 16 response shards', () => {
    expect(process.env[envNames.bucket('media')]).toBe(bucket);
    expect(process.env.AWS_ENDPOINT_URL_S3).toBe(`${server.url}${LOCAL_MEDIA_PATH}`);
    expect(process.env[envNames.setting('cdnUrl')]).toBe(`${server.url}${LOCAL_MEDIA_PATH}/${bucket}`);
    expect(process.env[envNames.setting('responseShards')]).toBe(String(LOCAL_RESPONSE_SHARDS));
    expect(LOCAL_RESPONSE_SHARDS).toBe(16);
  });

  it('presigns, stores the PUT and serves it at media_url with its type', async () => {
    const res = await fetch(`${server.url}/api/v1/media`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin', 'content-type': 'application/json' },
      body: JSON.stringify({ content_type: 'image/png', content_length: PNG.length }),
    });
    expect(res.status).toBe(200);
    const upload = (await res.json()) as { upload_url: string; upload_headers: Record<string, string>; media_url: string; key: string };
    expect(upload.upload_url.startsWith(`${server.url}${LOCAL_MEDIA_PATH}/${bucket}/${upload.key}?`)).toBe(true);
    expect(upload.media_url).toBe(`${server.url}${LOCAL_MEDIA_PATH}/${bucket}/${upload.key}`);

    const before = await fetch(upload.media_url);
    expect(before.status).toBe(404);
    expect(await before.text()).toContain('<Code>NoSuchKey</Code>');

    const put = await fetch(upload.upload_url, { method: 'PUT', headers: upload.upload_headers, body: PNG });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);

    const got = await fetch(upload.media_url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await got.arrayBuffer())).toEqual(PNG);

    const head = await fetch(upload.media_url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(PNG.length));
  });

  it('refuses a PUT with another content type than the signed one, as S3 does', async () => {
    const res = await fetch(`${server.url}/api/v1/media`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin', 'content-type': 'application/json' },
      body: JSON.stringify({ content_type: 'image/webp', content_length: 25 }),
    });
    const upload = (await res.json()) as { upload_url: string; media_url: string };
    const put = await fetch(upload.upload_url, { method: 'PUT', headers: { 'content-type': 'text/html' }, body: '<script>alert(1)</script>' });
    expect(put.status).toBe(403);
    expect(await put.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await fetch(upload.media_url)).status).toBe(404);
  });

  const newUpload = async (length: number) => {
    const res = await fetch(`${server.url}/api/v1/media`, {
      method: 'POST',
      headers: { authorization: 'Bearer admin', 'content-type': 'application/json' },
      body: JSON.stringify({ content_type: 'image/png', content_length: length }),
    });
    return (await res.json()) as { upload_url: string; upload_headers: Record<string, string>; media_url: string };
  };

  it('refuses a tampered X-Amz-Signature, as S3 does', async () => {
    const upload = await newUpload(PNG.length);
    const url = new URL(upload.upload_url);
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`);
    const put = await fetch(url, { method: 'PUT', headers: upload.upload_headers, body: PNG });
    expect(put.status).toBe(403);
    expect(await put.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await fetch(upload.media_url)).status).toBe(404);
  });

  it('refuses more (or fewer) bytes than the signed content_length, as S3 does', async () => {
    const upload = await newUpload(PNG.length);
    for (const body of [Buffer.concat([PNG, Buffer.from('extra')]), PNG.subarray(1)]) {
      const put = await fetch(upload.upload_url, { method: 'PUT', headers: upload.upload_headers, body });
      expect(put.status).toBe(403);
      expect(await put.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    }
    expect((await fetch(upload.media_url)).status).toBe(404);
  });

  it('refuses a PUT that is not presigned', async () => {
    const put = await fetch(`${server.url}${LOCAL_MEDIA_PATH}/${bucket}/media/unsigned.png`, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: PNG });
    expect(put.status).toBe(403);
    expect(await put.text()).toContain('<Code>AccessDenied</Code>');
  });
});

describe('createLocalMedia', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trivia-media-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
  let now = T0;
  const media = createLocalMedia(dir, () => now);
  const presigned = (expires = 300) => new URLSearchParams({ 'X-Amz-Date': '20260102T030405Z', 'X-Amz-Expires': String(expires), 'X-Amz-Signature': 'ab'.repeat(32) });
  const put = (path: string, type = 'image/png', query = presigned()) =>
    media.handle({ method: 'PUT', path: `${LOCAL_MEDIA_PATH}${path}`, query, headers: { 'content-type': type }, body: PNG });
  /** A PUT presigned by the SDK, as the upload function signs it, at T0, for `key` in the bucket. */
  const signedPut = async (key: string, type = 'image/png', body = PNG, length = PNG.length) => {
    const s3 = new S3Client({ region: 'eu-west-1', endpoint: `http://127.0.0.1:3999${LOCAL_MEDIA_PATH}`, forcePathStyle: true, credentials: LOCAL_CREDENTIALS });
    const url = new URL(
      await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: type, ContentLength: length }), {
        expiresIn: 300,
        signingDate: new Date(T0),
        signableHeaders: new Set(['content-type', 'content-length']),
      }),
    );
    return (headers: Record<string, string> = {}) =>
      media.handle({ method: 'PUT', path: url.pathname, query: url.searchParams, headers: { host: url.host, 'content-type': type, 'content-length': String(body.length), ...headers }, body });
  };
  const get = (path: string) => media.handle({ method: 'GET', path: `${LOCAL_MEDIA_PATH}${path}`, query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) });

  it('stores and serves an object until its URL has expired', async () => {
    now = T0 + 299_000;
    expect((await signedPut('media/a.png'))().status).toBe(200);
    expect(get(`/${bucket}/media/a.png`)).toMatchObject({ status: 200, headers: { 'content-type': 'image/png' }, body: PNG });
    now = T0 + 301_000;
    const late = (await signedPut('media/b.png'))();
    expect(late.status).toBe(403);
    expect(late.body.toString()).toContain('Request has expired');
    now = T0;
  });

  it('keeps keys inside its directory and knows only the wiring’s buckets', () => {
    expect(put(`/${bucket}/media/../../escape.png`).status).toBe(400);
    expect(put(`/${bucket}/media/%2E%2E/escape.png`).status).toBe(400);
    expect(put(`/${bucket}/media%2F..%2F..%2Fescape.png`).status).toBe(400);
    expect(put(`/${bucket}`).status).toBe(400);
    expect(put('/other-bucket/media/a.png').status).toBe(404);
    expect(get('/other-bucket/media/a.png').status).toBe(404);
  });

  it('checks the signature: a tampered one, another host or another signed header value is SignatureDoesNotMatch', async () => {
    now = T0;
    const ok = await signedPut('media/c.png');
    expect(put(`/${bucket}/media/c.png`).body.toString()).toContain('SignatureDoesNotMatch'); // a made-up signature
    expect(ok({ host: '127.0.0.1:4000' }).body.toString()).toContain('SignatureDoesNotMatch');
    expect(ok({ 'content-type': 'image/gif' }).status).toBe(403);
    expect(get(`/${bucket}/media/c.png`).status).toBe(404);
    expect(ok().status).toBe(200);
  });

  it('refuses a body longer or shorter than the signed Content-Length, whatever Content-Length header it claims', async () => {
    now = T0;
    const longer = await signedPut('media/d.png', 'image/png', Buffer.concat([PNG, Buffer.from('more')]), PNG.length);
    expect(longer().status).toBe(403); // its true Content-Length is not the signed one
    expect(longer({ 'content-length': String(PNG.length) })).toMatchObject({ status: 400 }); // claims the signed one, sends more
    expect(longer({ 'content-length': String(PNG.length) }).body.toString()).toContain('IncompleteBody');
    expect(get(`/${bucket}/media/d.png`).status).toBe(404);
  });

  it('accepts only the media types, and only GET, HEAD and PUT', async () => {
    now = T0;
    expect((await signedPut('media/page.html', 'text/html'))().status).toBe(403);
    expect(media.handle({ method: 'DELETE', path: `${LOCAL_MEDIA_PATH}/${bucket}/media/a.png`, query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0) }).status).toBe(405);
  });
});
