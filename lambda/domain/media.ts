/**
 * Question media: which files admins may upload, and where they live. Pure: the presigning is in lambda/store/media.ts.
 *
 * An upload goes straight from the client to S3 with a presigned PUT; the API never sees the bytes. The object key is
 * `media/<uuid>.<ext>`, and CloudFront serves the bucket under the same path, so `media_url` is `${CDN_URL}/${key}`.
 */

/**
 * Accepted content types and the extension each gets. No SVG (or HTML): the media are served from the same origin as
 * the API, and an SVG can carry script. The type is signed into the upload URL, so S3 refuses a PUT with another one.
 */
const MEDIA_TYPES = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'audio/mpeg': 'mp3',
  'video/mp4': 'mp4',
} as const;
export type MediaType = keyof typeof MEDIA_TYPES;
export const MEDIA_CONTENT_TYPES = Object.keys(MEDIA_TYPES) as [MediaType, ...MediaType[]];

/**
 * The largest upload: every upload declares its `content_length` (required, at most this), and the length is signed
 * into the presigned URL, so S3 refuses a PUT of any other size. Also the local stack's request limit.
 */
export const MAX_MEDIA_BYTES = 10 * 1024 * 1024;

/** How long an upload URL stays valid. Short: it is used at once by the admin who asked for it. */
export const UPLOAD_URL_TTL_SECONDS = 300;

/** The key prefix of lib/wiring.ts `buckets.media.prefix`. */
export const MEDIA_PREFIX = 'media/';

export const mediaKey = (id: string, contentType: MediaType) => `${MEDIA_PREFIX}${id}.${MEDIA_TYPES[contentType]}`;

/** The content type a key was uploaded with, from its extension (the key was made by `mediaKey`). */
export function contentTypeOfKey(key: string): MediaType | undefined {
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return (Object.entries(MEDIA_TYPES) as [MediaType, string][]).find(([, e]) => e === ext)?.[0];
}

/** `${cdnUrl}/${key}`, whatever trailing slash the setting has. */
export const mediaUrl = (cdnUrl: string, key: string) => `${cdnUrl.replace(/\/+$/, '')}/${key}`;

const OWN_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.([a-z0-9]+)$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * True when `url` is a media object this stack serves: `${cdnUrl}/media/<uuid>.<ext>` with the extension of an accepted
 * type, and https (the stack's CDN is https; only the local stack's stand-in on loopback is plain http). Anything else
 * (`javascript:`, an internal address, another host, a path outside the media prefix) is not a question's media.
 */
export function isOwnMediaUrl(url: string, cdnUrl: string): boolean {
  let parsed: URL;
  let cdn: URL;
  try {
    parsed = new URL(url);
    cdn = new URL(cdnUrl);
  } catch {
    return false;
  }
  const secure = parsed.protocol === 'https:' || (cdn.protocol === 'http:' && LOOPBACK.has(cdn.hostname));
  const prefix = mediaUrl(cdnUrl, MEDIA_PREFIX);
  if (!secure || parsed.protocol !== cdn.protocol || !url.startsWith(prefix)) return false;
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') return false;
  const rest = url.slice(prefix.length);
  return OWN_KEY.test(rest) && contentTypeOfKey(rest) !== undefined;
}
