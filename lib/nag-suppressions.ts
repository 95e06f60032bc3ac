/**
 * cdk-nag (AwsSolutions) acknowledgments, each with its reason, as narrow as cdk-nag 3 allows: on the resource that
 * raises the finding, and for IAM5 on the exact wildcard. Applied by TriviaStack itself, so that `cdk synth`
 * (bin/app.ts) and the infrastructure tests check the same thing.
 *
 * cdk-nag 3 reads CDK's native acknowledgments: `Validations.of(construct).acknowledge({ id, reason })`.
 */
import { Validations } from 'aws-cdk-lib';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';
import type { TriviaStack } from './trivia-stack.ts';
import { resourcesOf, tables as tableSpecs } from './wiring.ts';

const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

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
  }
}
