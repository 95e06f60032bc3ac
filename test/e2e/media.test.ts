/**
 * Question media on the local stack: an admin asks for an upload URL, PUTs an image to it (the local stand-in for
 * S3, lib/local/media.ts), creates a question with the media URL, and the image is served at that URL.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL } from '../../client/demoUsers.ts';
import { api, signIn, signedInUser, stack } from './support/index.ts';

const GIF = Buffer.from('R0lGODlhAQABAAAAACw=', 'base64');

describe('POST /api/v1/media on the local stack', () => {
  it('uploads through the presigned URL and serves the file at media_url, which a question keeps', async () => {
    const admin = await signIn(DEMO_ADMIN_EMAIL);
    const res = await api(admin.accessToken).post('/api/v1/media/', { content_type: 'image/gif', content_length: GIF.length });
    expect(res.status).toBe(200);
    const { upload_url, upload_headers, media_url, key } = res.body as { upload_url: string; upload_headers: Record<string, string>; media_url: string; key: string };
    expect(key).toMatch(/^media\/[0-9a-f-]{36}\.gif$/);
    expect(media_url.startsWith(stack().apiUrl)).toBe(true);
    expect(media_url.endsWith(`/${key}`)).toBe(true);

    const put = await fetch(upload_url, { method: 'PUT', headers: upload_headers, body: GIF });
    expect(put.status).toBe(200);
    const got = await fetch(media_url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/gif');
    expect(Buffer.from(await got.arrayBuffer())).toEqual(GIF);

    const id = `media-${randomUUID()}`;
    const created = await api(admin.accessToken).post('/api/v1/question/', { id, question: 'What is shown?', options: ['a dot', 'a line'], answer: 0, media_url });
    expect(created.status).toBe(201);
    expect((await api(admin.accessToken).get(`/api/v1/question/${id}`)).body).toMatchObject({ id, media_url });
  });

  it('is for admins only', async () => {
    const player = await signedInUser();
    const res = await api(player.accessToken).post('/api/v1/media', { content_type: 'image/png' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('admin_only');
    expect((await api().post('/api/v1/media', { content_type: 'image/png' })).status).toBe(401);
  });
});
