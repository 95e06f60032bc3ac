/** The Trivia Live stack, built from the one definition of the wiring in lib/wiring.ts. */
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Api } from './constructs/api.ts';
import { Auth } from './constructs/auth.ts';
import { Data } from './constructs/data.ts';
import { Functions, type TriviaFunction } from './constructs/functions.ts';
import { Ingest, QueueConsumers } from './constructs/ingest.ts';
import { Runner } from './constructs/runner.ts';
import { Streams } from './constructs/streams.ts';
import { applyNagSuppressions } from './nag-suppressions.ts';
import type { FunctionId, QueueId, TableId, TopicId } from './wiring.ts';

export interface TriviaStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`, ...): `prod` keeps data on deletion and logs for a year. */
  readonly stage: string;
}

export class TriviaStack extends Stack {
  readonly stage: string;
  readonly tables: Record<TableId, Table>;
  readonly queues: Record<QueueId, Queue>;
  /** The dead-letter queue of each queue. */
  readonly dlqs: Record<QueueId, Queue>;
  /** The dead-letter queue of the stream event sources (batches that failed all retries). */
  readonly streamDlq: Queue;
  readonly topics: Record<TopicId, Topic>;
  readonly notificationsTopic: Topic;
  readonly functions: Record<FunctionId, TriviaFunction>;
  readonly api: Api;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly runner: Runner;

  constructor(scope: Construct, id: string, props: TriviaStackProps) {
    super(scope, id, props);
    this.stage = props.stage;

    const data = new Data(this, 'Data', { stage: props.stage });
    const auth = new Auth(this, 'Auth', { stage: props.stage });
    const ingest = new Ingest(this, 'Ingest');
    this.tables = data.tables;
    this.queues = ingest.queues;
    this.dlqs = ingest.dlqs;
    this.streamDlq = ingest.streamDlq;
    this.topics = ingest.topics;
    this.notificationsTopic = ingest.topics.notifications;
    this.userPool = auth.userPool;
    this.userPoolClient = auth.userPoolClient;

    this.functions = new Functions(this, 'Functions', {
      stage: props.stage,
      tables: this.tables,
      queues: this.queues,
      topics: this.topics,
    }).functions;

    new QueueConsumers(this, 'QueueConsumers', { functions: this.functions, queues: this.queues });
    new Streams(this, 'Streams', { functions: this.functions, tables: this.tables, failureDlq: this.streamDlq });
    this.runner = new Runner(this, 'Runner', { functions: this.functions });
    this.api = new Api(this, 'Api', {
      stage: props.stage,
      functions: this.functions,
      userPool: auth.userPool,
      userPoolClient: auth.userPoolClient,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API (routes start with /api/v1)' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'CognitoEndpoint', {
      value: `https://cognito-idp.${this.region}.amazonaws.com`,
      description: 'Cognito endpoint for InitiateAuth (USER_PASSWORD_AUTH)',
    });
    new CfnOutput(this, 'NotificationsTopicArn', { value: this.notificationsTopic.topicArn });

    Tags.of(this).add('project', 'trivia-live');
    Tags.of(this).add('stage', props.stage);

    applyNagSuppressions(this);
  }
}
