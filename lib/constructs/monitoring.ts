/**
 * Operations: one CloudWatch dashboard per stage, alarms to an SNS topic (an email subscription from context
 * `alarmEmail`), and the canary (context `canary=true`; off by default). The runbook is docs/operations.md.
 * One file per part, under monitoring/: alarmTopic.ts, alarms.ts (every threshold, justified), canary.ts,
 * dashboard.ts, and metrics.ts (what the alarms and the dashboard share).
 *
 * Tracing: every function has X-Ray active tracing (functions.ts). The API has none: HTTP APIs (API Gateway v2) do
 * not support X-Ray (REST APIs do). A trace starts at the function; the API's access log (api.ts) and the functions'
 * logs share the request id (`requestId` there, `request_id` here) for following one request across both.
 *
 * Metrics: AWS/ApiGateway (the HTTP API), AWS/Lambda (per function), AWS/SQS (queues and dead-letter queues),
 * AWS/DynamoDB; the functions' own (lambda/shared/metricNames.ts: EMF through Powertools, with their units, meanings
 * and dimensions); AWS/AppSync, the live channel's Event API (its HTTP and real-time endpoints: liveChannel.ts).
 *
 * The parts add their resources to this construct itself, so that their logical ids are those of one construct.
 */
import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import type { IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Rule } from 'aws-cdk-lib/aws-events';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionId } from '../wiring.ts';
import type { DeadLetterQueueId, QueueId, TableId } from '../../lambda/shared/resources.ts';
import type { Api } from './api.ts';
import type { TriviaFunction } from './functions.ts';
import type { LiveChannel } from './liveChannel.ts';
import { addAlarmTopic } from './monitoring/alarmTopic.ts';
import { addStandingAlarms, alarmAdder, type Alarms } from './monitoring/alarms.ts';
import { addCanary } from './monitoring/canary.ts';
import { addDashboard } from './monitoring/dashboard.ts';
import { StageMetrics } from './monitoring/metrics.ts';

export interface MonitoringProps {
  readonly stage: string;
  readonly api: Api;
  /** Where clients (the canary) call the API: the CDN URL, the only way in (lib/constructs/originSecret.ts). */
  readonly apiBaseUrl?: string;
  readonly functions: Record<FunctionId, TriviaFunction>;
  readonly tables: Record<TableId, ITable>;
  readonly queues: Record<QueueId, IQueue>;
  readonly deadLetterQueues: Record<DeadLetterQueueId, IQueue>;
  readonly userPoolClient: IUserPoolClient;
  readonly liveChannel: LiveChannel;
}

export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly alarmKey: Key;
  readonly dashboard: Dashboard;
  readonly alarms: Alarms = {};
  /** Only with context `canary=true`. */
  readonly canary?: TriviaFunction<'canary'>;
  readonly canaryRule?: Rule;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { topic, key } = addAlarmTopic(this, props.stage);
    this.alarmTopic = topic;
    this.alarmKey = key;

    const metrics = new StageMetrics(props);
    const add = alarmAdder(this, this.alarmTopic, this.alarms);
    addStandingAlarms(add, metrics, props);
    const canary = addCanary(this, { stage: props.stage, apiUrl: props.apiBaseUrl ?? props.api.url, userPoolClient: props.userPoolClient }, add, metrics);
    this.canary = canary?.canary;
    this.canaryRule = canary?.rule;

    this.dashboard = addDashboard(this, metrics, { ...props, alarmTopic: this.alarmTopic, alarms: this.alarms });

    new CfnOutput(stack, 'AlarmTopicArn', { value: this.alarmTopic.topicArn, description: 'SNS topic of the alarms (subscribe with context alarmEmail)' });
    new CfnOutput(stack, 'DashboardName', { value: this.dashboard.dashboardName, description: 'The CloudWatch dashboard of this stage' });
  }
}
