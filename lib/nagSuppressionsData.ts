/**
 * cdk-nag (AwsSolutions) acknowledgments for data protection and gradual deploys (issue 15: dataProtection.ts,
 * deployments.ts, the player-data key's grants), each on the resource that raises it, with its reason.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { TriviaStack } from './triviaStack.ts';

const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

export function applyDataProtectionNagSuppressions(stack: TriviaStack): void {
  // --- The player-data key's grants ------------------------------------------------------------------------------
  for (const fn of Object.values(stack.functions)) {
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      ack(
        fn.role,
        `AwsSolutions-IAM5[Action::${action}]`,
        `${action} comes with CDK's table and queue grants when the table or queue is encrypted with a customer-managed key ` +
          '(KMS requires them for DynamoDB and SQS envelope encryption); the statement names the one player-data key, no other.',
      );
    }
  }

  // --- CodeDeploy ---------------------------------------------------------------------------------------------------
  ack(
    stack.deployments.role,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
    "AWS's own policy for CodeDeploy on Lambda, the limited variant: update aliases, read functions and alarms, and invoke " +
      'hooks named CodeDeployHook_*. Written by AWS for exactly this role; a hand copy would only drift from it.',
  );

  // --- AWS Backup ---------------------------------------------------------------------------------------------------
  const backupRole = stack.dataProtection.backupPlan.node.findChild('Tables').node.findChild('Role');
  for (const policy of ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores']) {
    ack(
      backupRole.node.defaultChild ?? backupRole,
      `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
      `${policy} is the policy AWS documents for the role AWS Backup assumes to back up and restore DynamoDB tables; ` +
        'only the backup service can assume the role, and the selection names the stack tables alone.',
    );
  }
}
