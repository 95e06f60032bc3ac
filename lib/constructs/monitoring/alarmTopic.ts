/** The SNS topic every alarm and its recovery go to, with an email subscription from context `alarmEmail`. */
import { Duration, Stack } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { contextReader, contextString } from '../../cdkContext.ts';
import { removalPolicyFor } from '../support.ts';

/** Adds the topic and its key to `scope` (the Monitoring construct: the logical ids are its children's). */
export function addAlarmTopic(scope: Construct, stage: string): { topic: Topic; key: Key } {
  // CloudWatch cannot publish to a topic encrypted with the AWS managed key (alias/aws/sns): its key policy cannot
  // be changed. A customer managed key, with rotation, that CloudWatch may use.
  const key = new Key(scope, 'AlarmTopicKey', {
    description: `Encrypts the alarm topic of ${Stack.of(scope).stackName}`,
    enableKeyRotation: true,
    pendingWindow: Duration.days(7),
    removalPolicy: removalPolicyFor(stage),
  });
  key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
  const topic = new Topic(scope, 'AlarmTopic', { displayName: `Trivia Live alarms (${stage})`, masterKey: key, enforceSSL: true });
  const alarmEmail = contextString(contextReader(scope.node), 'alarmEmail');
  if (alarmEmail) topic.addSubscription(new EmailSubscription(alarmEmail));
  return { topic, key };
}
