/**
 * IAM authorization of a publish, locally: the request's SigV4 signature is checked by signing the same request again
 * (the headers it says it signed, its body, its date) with the local stack's credentials, as AWS does with the
 * caller's secret key. Errors carry AWS's error types and messages.
 */
import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface IamCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SignedRequest {
  method: string;
  /** Path and query as sent (`/event`). */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type IamCheck = { ok: true; accessKeyId: string } | { ok: false; status: 401 | 403; errorType: string; message: string };

/** How far a request's date may be from the clock (AWS: 5 minutes). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const AUTH_HEADER = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export const isSigV4 = (authorization: string | undefined) => authorization?.startsWith('AWS4-HMAC-SHA256 ') ?? false;

const header = (headers: SignedRequest['headers'], name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

export async function verifySigV4(
  request: SignedRequest,
  expected: { credentials: IamCredentials; region: string; service: string },
  now = Date.now(),
): Promise<IamCheck> {
  const deny = (status: 401 | 403, errorType: string, message: string): IamCheck => ({ ok: false, status, errorType, message });
  const match = AUTH_HEADER.exec(header(request.headers, 'authorization') ?? '');
  if (!match) return deny(403, 'IncompleteSignatureException', 'Authorization header requires Credential, SignedHeaders and Signature parameters.');
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = match;
  if (accessKeyId !== expected.credentials.accessKeyId) return deny(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (region !== expected.region || service !== expected.service) {
    return deny(403, 'InvalidSignatureException', `Credential should be scoped to a valid region and service (${expected.region}/${expected.service}).`);
  }
  const amzDate = header(request.headers, 'x-amz-date') ?? '';
  const d = AMZ_DATE.exec(amzDate);
  if (!d || !signedHeaderList.split(';').includes('x-amz-date') || !amzDate.startsWith(scopeDate)) {
    return deny(403, 'IncompleteSignatureException', 'The request must carry a signed X-Amz-Date matching its credential scope.');
  }
  const signingDate = new Date(Date.UTC(+d[1], +d[2] - 1, +d[3], +d[4], +d[5], +d[6]));
  if (Math.abs(now - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    return deny(403, 'InvalidSignatureException', `Signature expired: ${amzDate} is now earlier or later than the server's time by more than 5 minutes.`);
  }

  const signed = signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = header(request.headers, name);
    if (value === undefined) return deny(403, 'InvalidSignatureException', SIGNATURE_MISMATCH);
    headers[name] = value;
  }
  const [path, search = ''] = request.url.split('?', 2);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(search)) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    service,
    region,
    credentials: { ...expected.credentials, ...(headers['x-amz-security-token'] ? { sessionToken: headers['x-amz-security-token'] } : {}) },
    sha256: Sha256,
    // Sign exactly what the caller signed: no body hash header unless it sent one.
    applyChecksum: false,
  });
  const again = await signer.sign(
    new HttpRequest({ method: request.method, protocol: 'http:', hostname: 'unused', path, query, headers, body: request.body }),
    { signingDate, signableHeaders: new Set(signed) },
  );
  const ours = /Signature=([0-9a-f]{64})/.exec(String(again.headers.authorization ?? again.headers.Authorization))?.[1] ?? '';
  const same = ours.length === signature.length && timingSafeEqual(Buffer.from(ours), Buffer.from(signature));
  return same ? { ok: true, accessKeyId } : deny(403, 'InvalidSignatureException', SIGNATURE_MISMATCH);
}
