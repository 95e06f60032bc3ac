import { randomUUID } from 'node:crypto';
import { UPLOAD_URL_TTL_SECONDS, mediaKey, mediaUrl } from '../domain/media.ts';
import { mediaUploadInput } from '../domain/schemas.ts';
import { setting } from '../shared/env.ts';
import { httpHandler, json } from './httpHandler.ts';
import { presignUpload } from '../store/media.ts';

/**
 * `POST /api/v1/media` (admin): a presigned S3 PUT for one new media object, and the URL it will be served at.
 * The client PUTs exactly `content_length` bytes to `upload_url` with the `upload_headers` (the length is signed too:
 * S3 refuses another size), then creates the question with `media_url`.
 */
export const handler = httpHandler({ auth: 'admin', body: mediaUploadInput }, async ({ body }) => {
  const key = mediaKey(randomUUID(), body.content_type);
  const uploadUrl = await presignUpload({
    key,
    contentType: body.content_type,
    contentLength: body.content_length,
    expiresInSeconds: UPLOAD_URL_TTL_SECONDS,
  });
  // 200, not 201: nothing is stored yet; the object exists once the client has uploaded it.
  return json(200, {
    upload_url: uploadUrl,
    upload_method: 'PUT',
    upload_headers: { 'content-type': body.content_type },
    media_url: mediaUrl(setting('cdnUrl'), key),
    key,
    expires_in: UPLOAD_URL_TTL_SECONDS,
  });
});
