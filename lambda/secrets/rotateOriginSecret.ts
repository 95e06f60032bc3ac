/**
 * Rotates the origin secret (lib/constructs/originSecret.ts), in Secrets Manager's four steps:
 *  - createSecret: a new random value as AWSPENDING;
 *  - setSecret: CloudFront sends the pending value from now on (UpdateDistribution). The API already accepts it:
 *    lambda/store/originSecret.ts accepts AWSCURRENT, AWSPENDING and AWSPREVIOUS, so the minutes CloudFront takes to
 *    deploy the change, during which edges send the old or the new value, refuse nothing;
 *  - testSecret: the distribution's config carries the pending value;
 *  - finishSecret: the pending value becomes AWSCURRENT (the old one AWSPREVIOUS, still accepted until the next rotation).
 * Every step is idempotent: Secrets Manager retries a failed step.
 */
import { randomBytes } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { distributionConfig, originHeaderValues, setOriginHeader } from '../store/cdnOrigin.ts';
import { DISTRIBUTION_ID_ENV, ORIGIN_SECRET_HEADER } from '../domain/originSecret.ts';
import { secretsManager } from '../store/originSecret.ts';

export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';
}


export const newOriginSecretValue = () => randomBytes(32).toString('base64url');

async function pendingValue(secretId: string, token: string): Promise<string> {
  const out = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
  if (!out.SecretString) throw new Error('the pending version has no value');
  return out.SecretString;
}

export async function rotateOriginSecret(event: RotationEvent, fetcher?: typeof fetch): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const distributionId = process.env[DISTRIBUTION_ID_ENV];
  if (!distributionId) throw new Error(`${DISTRIBUTION_ID_ENV} is not set`);
  const meta = await secretsManager.send(new DescribeSecretCommand({ SecretId: secretId }));
  if (!meta.RotationEnabled) throw new Error('rotation is not enabled on the secret');
  const stages = meta.VersionIdsToStages ?? {};
  if (!stages[token]) throw new Error('the version is not staged for rotation');
  if (stages[token].includes('AWSCURRENT')) return; // already finished
  if (!stages[token].includes('AWSPENDING')) throw new Error('the version is not AWSPENDING');

  switch (step) {
    case 'createSecret':
      try {
        await pendingValue(secretId, token);
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
        await secretsManager.send(
          new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: newOriginSecretValue(), VersionStages: ['AWSPENDING'] }),
        );
      }
      return;
    case 'setSecret':
      await setOriginHeader(distributionId, ORIGIN_SECRET_HEADER, await pendingValue(secretId, token), fetcher);
      return;
    case 'testSecret': {
      const values = originHeaderValues((await distributionConfig(distributionId, fetcher)).xml, ORIGIN_SECRET_HEADER);
      const pending = await pendingValue(secretId, token);
      if (values.length === 0 || values.some((v) => v !== pending)) throw new Error('the distribution does not send the pending value');
      return;
    }
    case 'finishSecret': {
      const current = Object.entries(stages).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      await secretsManager.send(
        new UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, ...(current ? { RemoveFromVersionId: current } : {}) }),
      );
      return;
    }
    default:
      throw new Error(`unknown rotation step ${String(step)}`);
  }
}

export const handler = (event: RotationEvent): Promise<void> => rotateOriginSecret(event);
