/**
 * Only CloudFront may reach the API: HTTP APIs have no resource policy and no WAF, and their execute-api endpoint
 * cannot be closed while CloudFront uses it as its origin, so CloudFront proves itself with a secret header
 * (lambda/store/originSecret.ts) and every route checks it first, before the token, the body or any handler logic.
 *
 * Off where no secret is configured (ORIGIN_SECRET_ARN unset): the local stack has no CDN in front of its API server,
 * and the handler tests call handlers directly. The deployed stack always sets it (lib/constructs/originSecret.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { DomainError } from '../domain/errors.ts';
import { ORIGIN_SECRET_ENV, ORIGIN_SECRET_HEADER } from '../domain/originSecret.ts';

/** The values the header may carry, read through a cache; `fresh` reloads them (lambda/store/originSecret.ts). */
export type OriginSecretValues = (secretId: string, fresh?: boolean) => Promise<string[]>;

const sameValue = (a: string, b: string) => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Refuses (403 `direct_access_forbidden`) a request that did not come through CloudFront. */
export async function requireCloudFront(event: Pick<APIGatewayProxyEventV2, 'headers'>, originSecretValues: OriginSecretValues): Promise<void> {
  const secretId = process.env[ORIGIN_SECRET_ENV];
  if (!secretId) return;
  const sent = event.headers?.[ORIGIN_SECRET_HEADER];
  const refuse = () => new DomainError('forbidden', 'direct_access_forbidden', 'call the API through its CDN URL (CdnUrl)');
  if (!sent) throw refuse();
  if ((await originSecretValues(secretId)).some((v) => sameValue(v, sent))) return;
  // Maybe rotated since the values were cached.
  if ((await originSecretValues(secretId, true)).some((v) => sameValue(v, sent))) return;
  throw refuse();
}
