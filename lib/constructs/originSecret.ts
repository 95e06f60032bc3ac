/**
 * Only CloudFront may reach the API. An HTTP API has no resource policy and no web ACL, and its execute-api endpoint
 * cannot be switched off while CloudFront uses it as the origin, so CloudFront proves itself with a secret header:
 *  - the value lives in Secrets Manager and is rotated every ORIGIN_SECRET_ROTATION_DAYS by
 *    lambda/secrets/rotateOriginSecret.ts, which also sets the new value on the distribution's origin;
 *  - CloudFront adds it to every request to the API origin (a viewer's own header of that name is overwritten);
 *  - every route checks it before anything else (lambda/shared/originCheck.ts via lambda/shared/http.ts) and answers
 *    a direct call with 403 `direct_access_forbidden`. The functions read the secret by ARN (ORIGIN_SECRET_ARN).
 * The template carries a dynamic reference to the secret, never its value.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DISTRIBUTION_ID_ENV, ORIGIN_SECRET_ENV, ORIGIN_SECRET_HEADER } from '../../lambda/domain/originSecret.ts';
import type { FunctionId, FunctionSpec } from '../wiring.ts';
import { triggersOf } from './support.ts';
import { TriviaFunction } from './functions.ts';

export const ORIGIN_SECRET_ROTATION_DAYS = 30;

export const originSecretRotationFunction: FunctionSpec = {
  entry: 'lambda/secrets/rotateOriginSecret.ts',
  description: 'Rotates the origin secret and sets the new value on the CloudFront origin',
  memorySize: 256,
  timeoutSeconds: 60,
  triggers: [],
};

export interface OriginSecretProps {
  readonly stage: string;
  /** The functions of the stack: every one with an http trigger gets the secret's ARN and may read it. */
  readonly functions: Record<FunctionId, TriviaFunction>;
}

export class OriginSecret extends Construct {
  readonly secret: Secret;
  readonly rotation: TriviaFunction<'rotateOriginSecret'>;

  constructor(scope: Construct, id: string, props: OriginSecretProps) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: `Trivia Live (${props.stage}): the header value CloudFront sends to the API (${ORIGIN_SECRET_HEADER})`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.rotation = new TriviaFunction(this, 'Rotation', { functionId: 'rotateOriginSecret', spec: originSecretRotationFunction, stage: props.stage });
    this.secret.addRotationSchedule('Schedule', {
      rotationLambda: this.rotation.fn,
      automaticallyAfter: Duration.days(ORIGIN_SECRET_ROTATION_DAYS),
    });

    for (const fn of Object.values(props.functions)) {
      if (triggersOf(fn.spec, 'http').length === 0) continue;
      fn.fn.addEnvironment(ORIGIN_SECRET_ENV, this.secret.secretArn);
      this.secret.grantRead(fn.role);
    }
  }

  /** The custom header of the API origin: a dynamic reference, resolved by CloudFormation at deploy time. */
  originHeaders(): Record<string, string> {
    return { [ORIGIN_SECRET_HEADER]: this.secret.secretValue.unsafeUnwrap() };
  }

  /** Lets the rotation function set the header on this distribution (created after the secret, hence later). */
  attachDistribution(distribution: Distribution): void {
    this.rotation.fn.addEnvironment(DISTRIBUTION_ID_ENV, distribution.distributionId);
    this.rotation.role.addToPolicy(
      new PolicyStatement({
        actions: ['cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution'],
        resources: [Stack.of(this).formatArn({ service: 'cloudfront', region: '', resource: 'distribution', resourceName: distribution.distributionId })],
      }),
    );
  }
}
