/**
 * S3 and CloudFront for question media, locally: a small file-backed object store served by the local API server
 * under `/_local/media/<bucket>/<key>`.
 *
 * The upload function is the same as in AWS: it presigns a PUT with the v3 SDK. Locally AWS_ENDPOINT_URL_S3 points
 * here, so the presigned URL is `<api>/_local/media/<bucket>/<key>?X-Amz-...` (path-style, as for any custom
 * endpoint), and CDN_URL is `<api>/_local/media/<bucket>`, so `media_url` (`${CDN_URL}/${key}`) is the same path.
 * PUT stores the bytes, GET and HEAD serve them with the type the key's extension says.
 *
 * Checked like S3 would: the presigned parameters must be there and not expired, the SigV4 signature must be the one
 * the local credentials make for this request (method, path, query, signed headers: a tampered X-Amz-Signature, or a
 * changed signed header such as the Content-Type or the Content-Length, is SignatureDoesNotMatch), the body must have
 * exactly the signed Content-Length (more or fewer bytes are refused), and the Content-Type must be the one the key
 * was made for. Bodies are limited by the local API server (10 MiB, as MAX_MEDIA_BYTES).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { contentTypeOfKey } from '../../lambda/domain/media.ts';
import { buckets } from '../wiring.ts';
import { envNames, type BucketId } from '../../lambda/shared/resources.ts';
import { LOCAL_CREDENTIALS } from './names.ts';

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

/** RFC 3986 encoding, as SigV4 canonicalizes query parameters. */
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * The SigV4 query-string signature S3 expects for this request (UNSIGNED-PAYLOAD, S3's single-encoded path), with the
 * local secret key; undefined when the credential scope or the signed headers are missing.
 */
export function expectedPresignedSignature(req: Pick<LocalMediaRequest, 'method' | 'path' | 'query' | 'headers'>, secretAccessKey: string): string | undefined {
  const credential = req.query.get('X-Amz-Credential')?.split('/');
  const signedHeaders = req.query.get('X-Amz-SignedHeaders');
  const amzDate = req.query.get('X-Amz-Date');
  if (!credential || credential.length !== 5 || !signedHeaders || !amzDate) return undefined;
  const [, day, region, service, terminator] = credential;
  const query = [...req.query.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const names = signedHeaders.split(';');
  const headerLines = names.map((n) => {
    const v = req.headers[n];
    return `${n}:${(Array.isArray(v) ? v.join(',') : (v ?? '')).trim().replace(/\s+/g, ' ')}\n`;
  });
  const canonical = [req.method, req.path, query, headerLines.join(''), signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${day}/${region}/${service}/${terminator}`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical, 'utf8').digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), terminator);
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
}

const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

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
        const expected = expectedPresignedSignature(req, LOCAL_CREDENTIALS.secretAccessKey);
        if (!expected || !sameHex(expected, req.query.get('X-Amz-Signature') ?? '')) {
          return s3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
        }
        const signedLength = (req.query.get('X-Amz-SignedHeaders') ?? '').split(';').includes('content-length') ? Number(req.headers['content-length']) : undefined;
        if (signedLength !== undefined && req.body.length !== signedLength) {
          return s3Error(400, 'IncompleteBody', 'The body does not have the signed Content-Length.');
        }
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
