/**
 * The media bucket: presigned PUT URLs for uploads. Signing is local (no call to S3): the function's role needs
 * s3:PutObject on `media/*` only because S3 checks the signer's permissions when the upload arrives.
 *
 * Locally (lib/local/media.ts) AWS_ENDPOINT_URL_S3 points at the local API server's small file-backed store, which is
 * addressed path-style like any custom S3 endpoint.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bucketName } from '../shared/env.ts';

const s3 = new S3Client({
  // By default the SDK adds a CRC32 checksum of the (empty) body to a presigned PUT, and S3 then rejects every upload.
  requestChecksumCalculation: 'WHEN_REQUIRED',
  forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
});

export interface UploadUrlInput {
  key: string;
  contentType: string;
  contentLength: number;
  expiresInSeconds: number;
}

/** A URL that lets its holder PUT exactly one object, at `key`, with this content type and this length. */
export async function presignUpload(input: UploadUrlInput): Promise<string> {
  const command = new PutObjectCommand({
    Bucket: bucketName('media'),
    Key: input.key,
    ContentType: input.contentType,
    ContentLength: input.contentLength,
  });
  // content-type is not signed unless asked for: without this, any type could be uploaded under an image's key.
  // content-length: S3 refuses a body of any other length (the upload bound, MAX_MEDIA_BYTES).
  return getSignedUrl(s3, command, { expiresIn: input.expiresInSeconds, signableHeaders: new Set(['content-type', 'content-length']) });
}
