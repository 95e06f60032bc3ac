/**
 * The origin secret (lib/constructs/originSecret.ts): the value CloudFront adds to every request to the API as the
 * ORIGIN_SECRET_HEADER, kept in Secrets Manager and rotated there. The values a request may carry are the current one
 * and, during and after a rotation, the pending and the previous one: CloudFront takes minutes to deploy a new header
 * value, and until it has, its edges send the old one.
 *
 * Read through a per-container cache (ORIGIN_SECRET_TTL_MS); a request whose value matches none of the cached ones
 * reloads once, if the cache is older than ORIGIN_SECRET_MIN_RELOAD_MS, so a rotation is noticed at once without
 * letting a flood of direct calls turn into a flood of Secrets Manager reads.
 */
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TtlCache } from '../shared/cache.ts';
import { traced } from '../shared/powertools.ts';

export { ORIGIN_SECRET_ENV, ORIGIN_SECRET_HEADER } from '../domain/originSecret.ts';

export const ORIGIN_SECRET_TTL_MS = 5 * 60_000;
export const ORIGIN_SECRET_MIN_RELOAD_MS = 10_000;

const STAGES = ['AWSCURRENT', 'AWSPENDING', 'AWSPREVIOUS'] as const;

export const secretsManager = traced(new SecretsManagerClient({ maxAttempts: 3 }));

async function loadValues(secretId: string): Promise<string[]> {
  const values = await Promise.all(
    STAGES.map(async (stage) => {
      try {
        const out = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
        return out.SecretString;
      } catch (err) {
        // Only AWSCURRENT always exists; the others come and go with rotations.
        if (err instanceof ResourceNotFoundException && stage !== 'AWSCURRENT') return undefined;
        throw err;
      }
    }),
  );
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}

const cache = new TtlCache<string[]>(ORIGIN_SECRET_TTL_MS, loadValues, () => Date.now());

/** The accepted values; `fresh` reloads them unless they were loaded less than ORIGIN_SECRET_MIN_RELOAD_MS ago. */
export async function originSecretValues(secretId: string, fresh = false): Promise<string[]> {
  return (await cache.get(secretId, fresh ? ORIGIN_SECRET_MIN_RELOAD_MS : undefined)).value;
}

export const clearOriginSecretCache = () => cache.clear();
