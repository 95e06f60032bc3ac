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
export const MEDIA_TYPES = {
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

/** The largest upload a declared `content_length` may announce (and the local stack's request limit). */
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
