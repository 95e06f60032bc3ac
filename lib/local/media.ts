/**
 * S3 and CloudFront for question media, locally: a small file-backed object store served by the local API server
 * under `/_local/media/<bucket>/<key>`.
 *
 * The upload function is the same as in AWS: it presigns a PUT with the v3 SDK. Locally AWS_ENDPOINT_URL_S3 points
 * here, so the presigned URL is `<api>/_local/media/<bucket>/<key>?X-Amz-...` (path-style, as for any custom
 * endpoint), and CDN_URL is `<api>/_local/media/<bucket>`, so `media_url` (`${CDN_URL}/${key}`) is the same path.
 * PUT stores the bytes, GET and HEAD serve them with the type the key's extension says.
 *
 * Checked like S3 would: the presigned parameters must be there and not expired, and the Content-Type must be the
 * one the key was made for (it is signed into the URL in AWS). Not checked: the signature itself (local credentials
 * are fixed and public anyway). Bodies are limited by the local API server (10 MiB, as MAX_MEDIA_BYTES).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { contentTypeOfKey } from '../../lambda/domain/media.ts';
import { buckets, envNames, type BucketId } from '../wiring.ts';

export const LOCAL_MEDIA_PATH = '/_local/media';

/** The local name of a bucket of the wiring. */
export const localBucketName = (b: BucketId) => `local-${b}`;

export interface LocalMediaRequest {
  method: string;
  /** The raw path, starting with LOCAL_MEDIA_PATH. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface LocalMediaResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LocalMedia {
  handle(request: LocalMediaRequest): LocalMediaResponse;
}

/** The functions' environment for media, once the API's URL is known. */
export function localMediaEnvironment(apiUrl: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: `${apiUrl}${LOCAL_MEDIA_PATH}`,
    [envNames.setting('cdnUrl')]: `${apiUrl}${LOCAL_MEDIA_PATH}/${localBucketName('media')}`,
  };
}

const s3Error = (status: number, code: string, message: string): LocalMediaResponse => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`, 'utf8'),
});

/** `20261122T024131Z` → epoch ms. */
function amzDate(raw: string | null): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(raw ?? '');
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

export function createLocalMedia(dir: string, clock: () => number = Date.now): LocalMedia {
  const root = resolve(dir);
  const known = new Set(Object.keys(buckets).map((b) => localBucketName(b as BucketId)));

  return {
    handle(req) {
      const segments = req.path.slice(LOCAL_MEDIA_PATH.length).split('/').filter(Boolean).map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return '';
        }
      });
      const [bucket, ...keyParts] = segments;
      if (!bucket || !known.has(bucket)) return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
      if (keyParts.length === 0 || keyParts.some((s) => !SEGMENT.test(s) || s === '.' || s === '..')) {
        return s3Error(400, 'InvalidArgument', 'Invalid object key');
      }
      const key = keyParts.join('/');
      const file = resolve(root, bucket, ...keyParts);
      if (!file.startsWith(`${root}${sep}`)) return s3Error(400, 'InvalidArgument', 'Invalid object key');
      const type = contentTypeOfKey(key);

      if (req.method === 'PUT') {
        const date = amzDate(req.query.get('X-Amz-Date'));
        const expires = Number(req.query.get('X-Amz-Expires'));
        if (!req.query.get('X-Amz-Signature') || !Number.isFinite(date) || !(expires > 0)) {
          return s3Error(403, 'AccessDenied', 'Only presigned uploads are accepted');
        }
        if (clock() > date + expires * 1000) return s3Error(403, 'AccessDenied', 'Request has expired');
        const sent = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        if (!type || sent !== type) {
          return s3Error(403, 'SignatureDoesNotMatch', `The Content-Type must be the signed one (${type ?? 'unknown'})`);
        }
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, req.body);
        return { status: 200, headers: { etag: `"${createHash('md5').update(req.body).digest('hex')}"` }, body: Buffer.alloc(0) };
      }

      if (req.method === 'GET' || req.method === 'HEAD') {
        if (!existsSync(file)) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
        const body = readFileSync(file);
        return {
          status: 200,
          headers: {
            'content-type': type ?? 'application/octet-stream',
            'cache-control': 'public, max-age=31536000, immutable',
            'x-content-type-options': 'nosniff',
          },
          body,
        };
      }

      return s3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    },
  };
}

/** Where a stack's media live under its data directory. */
export const localMediaDir = (dataDir: string) => join(dataDir, 'media');
