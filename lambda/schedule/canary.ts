/**
 * The canary (deployed where context `canary=true`; every 5 minutes): runs the shared check
 * (lambda/usecases/canaryCheck.ts) against this stack's public API and publishes `CanarySuccess` (1 or 0), which the
 * canary alarm watches (a missing value counts as a failure). Credentials come from a Secrets Manager secret
 * (`{"username": …, "password": …}`) named by context `canarySecretName`: never from code or the environment.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { logger, metrics, observed, traced } from '../shared/powertools.ts';
import { metricName } from '../shared/metricNames.ts';
import { runCanaryCheck, type CanaryCredentials } from '../usecases/canaryCheck.ts';

const secrets = traced(new SecretsManagerClient({}));
const secretShape = z.object({ username: z.string().min(1), password: z.string().min(1) });

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

async function credentials(): Promise<CanaryCredentials> {
  const out = await secrets.send(new GetSecretValueCommand({ SecretId: env('CANARY_SECRET_NAME') }));
  const parsed = secretShape.safeParse(JSON.parse(out.SecretString ?? '{}'));
  if (!parsed.success) throw new Error('the canary secret must be JSON {"username": "...", "password": "..."}');
  return parsed.data;
}

const base = async (_event: unknown, context: Context) => {
  let result;
  try {
    result = await runCanaryCheck(
      { apiUrl: env('API_URL'), cognitoEndpoint: env('COGNITO_ENDPOINT'), userPoolClientId: env('USER_POOL_CLIENT_ID') },
      await credentials(),
      { timeoutMs: Math.max(10_000, context.getRemainingTimeInMillis() - 10_000) },
    );
  } catch (err) {
    result = { ok: false, durationMs: 0, steps: [], error: `canary setup failed: ${(err as Error).message}` };
  }
  metrics.addMetric(metricName.CanarySuccess, MetricUnit.Count, result.ok ? 1 : 0);
  metrics.addMetric(metricName.CanaryDurationMs, MetricUnit.Milliseconds, result.durationMs);
  if (result.ok && 'closeToEndMs' in result && result.closeToEndMs !== undefined) {
    metrics.addMetric(metricName.CanaryCloseToEndMs, MetricUnit.Milliseconds, result.closeToEndMs);
  }
  if (result.ok) logger.info('canary passed', { ...result });
  else logger.error('canary failed', { ...result });
  return result;
};

export const handler = observed(base, { metrics: true });
