/**
 * cdk-nag (AwsSolutions) acknowledgments, each with its reason, as narrow as cdk-nag 3 allows: on the resource that
 * raises the finding, and for IAM5 on the exact wildcard. Applied by TriviaStack itself, so that `cdk synth`
 * (bin/app.ts) and the infrastructure tests check the same thing.
 *
 * cdk-nag 3 reads CDK's native acknowledgments: `Validations.of(construct).acknowledge({ id, reason })`.
 */
import { Token, Validations } from 'aws-cdk-lib';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import type { TriviaStack } from './triviaStack.ts';
import { buckets as bucketSpecs, resourcesOf, tables as tableSpecs } from './wiring.ts';
import { type BucketId } from '../lambda/shared/resources.ts';

const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
/** A stack's region or account as cdk-nag prints it in a finding: the value, or the pseudo parameter when env-agnostic. */
const known = (value: string, pseudo: string) => (Token.isUnresolved(value) ? pseudo : value);

export function applyNagSuppressions(stack: TriviaStack): void {
  // --- Cognito -------------------------------------------------------------------------------------------------
  const userPool = stack.userPool.node.defaultChild as IConstruct;
  ack(
    userPool,
    'AwsSolutions-COG2',
    'MFA is optional (TOTP) rather than required: players of a free live game show sign up in seconds right before an episode, ' +
      'and the accounts hold no payment or personal data beyond an email and a nickname. Admins are expected to enroll TOTP.',
  );
  ack(
    userPool,
    'AwsSolutions-COG8',
    'The Essentials feature plan is enough: threat protection (Plus tier) is billed per monthly active user, and a show draws ' +
      'large audiences of short-lived sign-ins. Passwords are strong (COG1) and tokens short-lived; revisit if abuse appears.',
  );

  // --- Secrets Manager -------------------------------------------------------------------------------------------
  ack(
    stack.cursorKey.node.defaultChild as IConstruct,
    'AwsSolutions-SMG4',
    'The cursor key only signs page cursors of admin listings (lambda/shared/cursor.ts); rotating it would merely turn the ' +
      'cursors in flight into 400 invalid_cursor. It is resolved into the function environment at deploy, so rotation would ' +
      'need a redeploy anyway.',
  );

  // --- SQS -----------------------------------------------------------------------------------------------------
  ack(
    stack.streamDlq.node.defaultChild as IConstruct,
    'AwsSolutions-SQS3',
    'This queue is itself a dead-letter queue: the on-failure destination of the DynamoDB stream event sources. cdk-nag only ' +
      'recognizes queues that are the redrive target of another queue.',
  );

  // --- API Gateway ---------------------------------------------------------------------------------------------
  for (const { trigger, route } of stack.api.routes) {
    if (trigger.auth !== 'public') continue;
    ack(
      route,
      'AwsSolutions-APIG4',
      `${trigger.method} ${trigger.path} is public by contract (DESIGN.md: health check for load balancers, canaries and clients ` +
        'before sign-in); it returns only a status and the version, and reads no data.',
    );
  }

  // --- Lambda and IAM ------------------------------------------------------------------------------------------
  const tablesWithIndexes = (Object.keys(tableSpecs) as (keyof typeof tableSpecs)[]).filter(
    (t) => (tableSpecs[t].globalSecondaryIndexes ?? []).length > 0,
  );
  const bucketsById: Record<BucketId, IConstruct> = { media: stack.media.bucket };
  for (const fn of Object.values(stack.functions)) {
    ack(
      fn.fn,
      'AwsSolutions-L1',
      'Node.js 22 (LTS) is pinned on purpose: the bundle targets node22 and the code and tests are validated on it. ' +
        'Moving to a newer runtime is a deliberate change, not an automatic one.',
    );
    ack(
      fn.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Only for actions that support no resource-level permissions: xray:PutTraceSegments and xray:PutTelemetryRecords ' +
        '(active tracing) and, for stream consumers, dynamodb:ListStreams. Every DynamoDB, SQS and SNS action is scoped ' +
        'to named resources (checked by test/infra/stack.test.ts).',
    );
    const touched = new Set(resourcesOf(fn.spec).tables);
    for (const t of tablesWithIndexes) {
      if (!touched.has(t)) continue;
      const logicalId = stack.getLogicalId(stack.tables[t].node.defaultChild as CfnTable);
      ack(
        fn.role,
        `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
        `The table grant (grantReadData/grantWriteData/grantReadWriteData) on the ${t} table covers its own secondary indexes ` +
          'only (e.g. the sparse `live` index the runner queries); it reaches no other table.',
      );
    }
    for (const b of fn.spec.puts ?? []) {
      const bucketId = stack.getLogicalId(bucketsById[b].node.defaultChild as CfnBucket);
      ack(
        fn.role,
        `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${bucketSpecs[b].prefix}*]`,
        `s3:PutObject alone, under the ${bucketSpecs[b].prefix} prefix of the ${b} bucket alone: the function presigns uploads of ` +
          'new objects whose keys (a fresh uuid each) cannot be named in advance. It cannot read, list, delete or tag objects, ' +
          'nor reach another prefix or bucket (checked by test/infra/cdn.test.ts).',
      );
    }
  }

  // --- Monitoring (the canary, where context canary=true) --------------------------------------------------------
  const canary = stack.monitoring.canary;
  if (canary) {
    ack(
      canary.fn,
      'AwsSolutions-L1',
      'Node.js 22 (LTS) is pinned on purpose, as for every function of the stack: the bundle targets node22 and the code and ' +
        'tests are validated on it. Moving to a newer runtime is a deliberate change, not an automatic one.',
    );
    ack(
      canary.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Only xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing), which support no resource-level permissions. ' +
        'The canary reads its one secret (by name) and otherwise only calls the public API and Cognito like any player.',
    );
  }

  // --- Edge and API protection (docs/SECURITY.md) -----------------------------------------------------------------
  for (const fn of [stack.originSecret.rotation, stack.adminMfa.trigger]) {
    ack(
      fn.fn,
      'AwsSolutions-L1',
      'Node.js 22 (LTS) is pinned on purpose, as for every function of the stack: the bundle targets node22 and the code and ' +
        'tests are validated on it. Moving to a newer runtime is a deliberate change, not an automatic one.',
    );
  }
  ack(
    stack.originSecret.rotation.role,
    'AwsSolutions-IAM5[Resource::*]',
    'Only actions without resource-level permissions: secretsmanager:GetRandomPassword (added by the rotation schedule) and ' +
      'xray:PutTraceSegments/PutTelemetryRecords. The secret actions are on the origin secret alone and the CloudFront ones ' +
      'on this distribution alone (test/infra/edge.test.ts).',
  );
  ack(
    stack.adminMfa.trigger.role,
    'AwsSolutions-IAM5[Resource::*]',
    'Only xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing), which support no resource-level permissions.',
  );
  ack(
    stack.adminMfa.trigger.role,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cognito-idp:${known(stack.region, '<AWS::Region>')}:${known(stack.account, '<AWS::AccountId>')}:userpool/*]`,
    'cognito-idp:AdminGetUser alone (to read whether an admin has TOTP enabled), on the user pools of this account and Region: ' +
      'the pool cannot be named because it refers to this function as its trigger, and naming it back would be a cycle.',
  );

  // --- Analytics archive (lib/constructs/analytics.ts) ----------------------------------------------------------
  const archiveBucketId = stack.getLogicalId(stack.analytics.bucket.node.defaultChild as CfnBucket);
  for (const prefix of ['events/', 'errors/']) {
    ack(
      stack.analytics.deliveryRole,
      `AwsSolutions-IAM5[Resource::<${archiveBucketId}.Arn>/${prefix}*]`,
      `Firehose writes (and may abort and re-read the multipart uploads of) objects under ${prefix} of the analytics archive bucket, ` +
        'with keys it makes up itself (partition, time and a random suffix), so they cannot be named in advance. Nothing else, ' +
        'no other prefix or bucket; only the Firehose service of this account can assume the role (test/infra/analytics.test.ts).',
    );
  }

  // --- CloudFront ----------------------------------------------------------------------------------------------
  const distribution = stack.cdn.distribution.node.defaultChild as IConstruct;
  if (!stack.webAclArn) {
    ack(
      distribution,
      'AwsSolutions-CFR2',
      'Only in an env-agnostic synth (no account and Region known): the CLOUDFRONT web ACL lives in the companion stack in ' +
        'us-east-1 (lib/edgeStack.ts) and reaches this stack as a cross-region reference, which needs both Regions. bin/app.ts ' +
        'wires it whenever the Region is known, as it is for every deploy (test/infra/edge.test.ts).',
    );
  }
  ack(
    distribution,
    'AwsSolutions-CFR1',
    'No geo restriction: shows are for a worldwide audience and nothing served is licensed per country. Every API route ' +
      'but health needs a Cognito token, and media objects are unguessable uuid keys. Add a GeoRestriction if a show needs one.',
  );
  ack(
    distribution,
    'AwsSolutions-CFR4',
    'The distribution uses the default *.cloudfront.net certificate, with which CloudFront fixes the viewer security policy ' +
      'at TLSv1 (a minimum protocol version can only be chosen with a custom certificate). Clients (mobile apps, current browsers) ' +
      'negotiate TLS 1.2 or later. With a custom domain, set minimumProtocolVersion TLS_V1_2_2021. Origins are TLS 1.2 only (CFR5).',
  );
}
