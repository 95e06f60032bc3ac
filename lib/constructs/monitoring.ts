/**
 * Operations: one CloudWatch dashboard per stage, alarms to an SNS topic (an email subscription from context
 * `alarmEmail`), and the canary (context `canary=true`; off by default). The runbook is docs/operations.md.
 *
 * Tracing: every function has X-Ray active tracing (functions.ts). The API has none: HTTP APIs (API Gateway v2) do
 * not support X-Ray (REST APIs do). A trace starts at the function; the API's access log (api.ts) and the functions'
 * logs share the request id (`requestId` there, `request_id` here) for following one request across both.
 *
 * Every alarm's threshold is justified where it is defined. Metrics:
 * - AWS/ApiGateway (the HTTP API), AWS/Lambda (per function), AWS/SQS (queues and dead-letter queues), AWS/DynamoDB;
 * - the functions' own (EMF through Powertools, namespace `TriviaLive`, dimensions `service` and `stage`):
 *   AnswersAccepted, AnswersRejected{reason}, Rejections{reason} (every route), AnswersStored, AnswersDuplicateDropped,
 *   Registrations, RegistrationsRepeated, RunnerTransitions{step}, RunnerFailures, CloseToFinalMs,
 *   DeadLettersRecorded{queue}, CanarySuccess, CanaryDurationMs, CanaryCloseToEndMs, LivePublishFailures;
 * - AWS/AppSync, the live channel's Event API (its HTTP and real-time endpoints: lib/constructs/liveChannel.ts).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { canaryFunction, namespaces as namespaceIds, type FunctionId, type Trigger } from '../wiring.ts';
import { deadLetterQueueIds, type DeadLetterQueueId, type QueueId, type TableId } from '../../lambda/shared/resources.ts';
import type { Api } from './api.ts';
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME, TriviaFunction, isProd } from './functions.ts';
import type { LiveChannel } from './liveChannel.ts';

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

/** The alarms, by name (tests and the runbook refer to them by these). */
export type AlarmId =
  | 'api5xxRate'
  | `deadLetters-${DeadLetterQueueId}`
  | `iteratorAge-${string}`
  | `queueAge-${QueueId}`
  | 'runnerErrors'
  | `dynamoThrottles-${TableId}`
  | 'canaryFailed'
  | 'livePublishFailures'
  | 'liveHttp5xx'
  | 'liveDeliveryErrors';

const ONE_MINUTE = Duration.minutes(1);
const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A boolean from context (`-c canary=true` gives a string). */
const flag = (scope: Construct, name: string) => {
  const raw: unknown = scope.node.tryGetContext(name);
  return raw === true || raw === 'true';
};

export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly alarmKey: Key;
  readonly dashboard: Dashboard;
  readonly alarms: Partial<Record<AlarmId, Alarm>> = {};
  /** Only with context `canary=true`. */
  readonly canary?: TriviaFunction<'canary'>;
  readonly canaryRule?: Rule;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const prod = isProd(props.stage);
    const { api, functions, tables, queues, deadLetterQueues } = props;

    /* ------------------------------------------------------------------ the alarm topic */

    // CloudWatch cannot publish to a topic encrypted with the AWS managed key (alias/aws/sns): its key policy cannot
    // be changed. A customer managed key, with rotation, that CloudWatch may use.
    this.alarmKey = new Key(this, 'AlarmTopicKey', {
      description: `Encrypts the alarm topic of ${stack.stackName}`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.alarmKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: `Trivia Live alarms (${props.stage})`, masterKey: this.alarmKey, enforceSSL: true });
    const alarmEmail: unknown = this.node.tryGetContext('alarmEmail');
    if (typeof alarmEmail === 'string' && alarmEmail !== '') this.alarmTopic.addSubscription(new EmailSubscription(alarmEmail));
    const action = new SnsAction(this.alarmTopic);

    const alarm = (alarmId: AlarmId, props: ConstructorParameters<typeof Alarm>[2]) => {
      const a = new Alarm(this, `Alarm${pascal(alarmId.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()))}`, {
        alarmName: `${stack.stackName}-${alarmId}`,
        ...props,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      this.alarms[alarmId] = a;
      return a;
    };

    /* ------------------------------------------------------------------ metrics */

    const own = (metricName: string, statistic = 'Sum', extra: Record<string, string> = {}, period = ONE_MINUTE) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: POWERTOOLS_SERVICE_NAME, stage: props.stage, ...extra },
        statistic,
        period,
      });
    /** Every dimension value of a metric of ours that has one more dimension (`reason`, `step`, `queue`). */
    const ownByDimension = (metricName: string, dimension: string, statistic = 'Sum') =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${dimension},service,stage} MetricName="${metricName}" service="${POWERTOOLS_SERVICE_NAME}" stage="${props.stage}"', '${statistic}', 60)`,
        usingMetrics: {},
        label: '',
        period: ONE_MINUTE,
      });

    const requests = api.httpApi.metricCount({ period: ONE_MINUTE, statistic: 'Sum', label: 'requests' });
    const clientErrors = api.httpApi.metricClientError({ period: ONE_MINUTE, statistic: 'Sum', label: '4xx' });
    const serverErrors = api.httpApi.metricServerError({ period: ONE_MINUTE, statistic: 'Sum', label: '5xx' });
    const latency = (p: string) => api.httpApi.metricLatency({ period: ONE_MINUTE, statistic: p, label: `latency ${p}` });

    const fns = Object.values(functions);
    const fnMetric = (fn: TriviaFunction, name: string, statistic: string) =>
      fn.fn.metric(name, { period: ONE_MINUTE, statistic, label: fn.functionId });
    const streamConsumers = fns.filter((fn) => (fn.spec.triggers as Trigger[]).some((t) => t.kind === 'stream'));
    const queueIds = Object.keys(queues) as QueueId[];
    const tableIds = Object.keys(tables) as TableId[];

    const queueMetric = (q: IQueue, name: string, statistic: string, label: string) =>
      new Metric({ namespace: 'AWS/SQS', metricName: name, dimensionsMap: { QueueName: q.queueName }, statistic, period: ONE_MINUTE, label });
    const throttleEvents = (tableId: TableId) =>
      new MathExpression({
        // Ids unique per table: the dashboard graphs every table's expression in one widget.
        expression: `FILL(r${pascal(tableId)}, 0) + FILL(w${pascal(tableId)}, 0)`,
        usingMetrics: {
          [`r${pascal(tableId)}`]: tables[tableId].metric('ReadThrottleEvents', { period: ONE_MINUTE, statistic: 'Sum' }),
          [`w${pascal(tableId)}`]: tables[tableId].metric('WriteThrottleEvents', { period: ONE_MINUTE, statistic: 'Sum' }),
        },
        label: tableId,
        period: ONE_MINUTE,
      });

    /* ------------------------------------------------------------------ alarms */

    // API 5xx rate > 1 % in 3 of 5 minutes, counted only from 20 requests a minute. The contract has no 5xx, so any
    // sustained rate is a fault (a broken deploy fails most requests and pages in 3 minutes); a single failed cold start
    // or a brief DynamoDB blip does not. Under 20 requests a minute a rate means little (1 of 5 would be 20 %): quiet
    // stages are covered by the canary.
    alarm('api5xxRate', {
      alarmDescription: 'More than 1% of API requests answered 5xx (3 of the last 5 minutes). Runbook: docs/operations.md#api-5xx-rate',
      metric: new MathExpression({
        expression: 'IF(FILL(requests, 0) >= 20, 100 * FILL(errors, 0) / requests, 0)',
        usingMetrics: { requests, errors: serverErrors },
        label: '5xx % of requests',
        period: ONE_MINUTE,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // Any message in any dead-letter queue: an answer that will not be counted, a show step not taken, or a stream batch
    // not added up. Nothing normal produces one, so one is enough, at once. SQS publishes queue metrics every minute, and
    // none for an idle queue (missing is not breaching). The alarm stays on until the queue is redriven or purged.
    for (const q of deadLetterQueueIds()) {
      alarm(`deadLetters-${q}`, {
        alarmDescription: `A message is in the ${q} dead-letter queue. Runbook: docs/operations.md#dead-letters`,
        metric: queueMetric(deadLetterQueues[q], 'ApproximateNumberOfMessagesVisible', 'Maximum', `${q} DLQ`),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    // Stream iterator age > 30 s in 2 consecutive minutes. The runner finalizes a question's statistics seconds after its
    // window closes (FINALIZE_SETTLE_MS, 2 s by default), from what the stream processors have added up; a processor half
    // a minute behind, for two minutes, delays every live question and registration count. A cold start or one retried
    // batch stays well under it.
    for (const fn of streamConsumers) {
      alarm(`iteratorAge-${fn.functionId}`, {
        alarmDescription: `${fn.functionId} is more than 30 s behind its stream. Runbook: docs/operations.md#iterator-age`,
        metric: fnMetric(fn, 'IteratorAge', 'Maximum'),
        threshold: 30_000,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    // Queue age. answers: > 30 s in 2 consecutive minutes. An answer must be stored before its question is finalized,
    // seconds after the window; the consumer takes batches within a second, so an answer half a minute old means the
    // consumer is failing or throttled and answers are about to miss their question (and go to the DLQ).
    // runnerTicks: > 16 min in 2 consecutive minutes. Ticks are sent with delays of up to 15 minutes (SQS's maximum), so
    // only an age past that means the runner is not taking its ticks (the minute sweep still advances shows, late).
    const queueAgeThreshold: Record<QueueId, number> = { answers: 30, runnerTicks: 16 * 60, clientEvents: 5 * 60 };
    for (const q of queueIds) {
      alarm(`queueAge-${q}`, {
        alarmDescription: `The oldest message of the ${q} queue is older than ${queueAgeThreshold[q]} s. Runbook: docs/operations.md#queue-age`,
        metric: queueMetric(queues[q], 'ApproximateAgeOfOldestMessage', 'Maximum', `${q} oldest`),
        threshold: queueAgeThreshold[q],
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    // Runner errors: any failed run (a function error, or RunnerFailures: a tick or sweep that could not advance an
    // episode) in 2 consecutive minutes. A single failure is retried by the next tick or sweep; failures two minutes in a
    // row mean a live show is stuck. Conditional-write conflicts between runners are not failures.
    alarm('runnerErrors', {
      alarmDescription: 'The episode runner failed in 2 consecutive minutes: a live show may be stuck. Runbook: docs/operations.md#runner-errors',
      metric: new MathExpression({
        expression: 'FILL(errors, 0) + FILL(failures, 0)',
        usingMetrics: { errors: fnMetric(functions.episodeRunner, 'Errors', 'Sum'), failures: own('RunnerFailures') },
        label: 'runner errors',
        period: ONE_MINUTE,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // DynamoDB throttles: >= 25 throttled reads and writes a minute, in 2 of 3 minutes, per table. The SDK retries a
    // throttled request (6 attempts with backoff) and answers are queued before they are written, so a few throttles
    // cost latency, not data. Sustained throttling means a hot partition (an episode's is 1,000 writes/s) or on-demand
    // capacity falling behind a show's ramp: requests start failing, and tables need pre-warming (lib/sizing.ts).
    for (const t of tableIds) {
      alarm(`dynamoThrottles-${t}`, {
        alarmDescription: `DynamoDB throttles the ${t} table (25+ events a minute). Runbook: docs/operations.md#dynamodb-throttles`,
        metric: throttleEvents(t),
        threshold: 25,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    /* ------------------------------------------------------------------ the live channel */

    const live = props.liveChannel;
    const liveServerErrors = ['ConnectServerError', 'SubscribeServerError', 'PublishDataMessageServerError'] as const;
    const liveClientErrors = ['ConnectClientError', 'SubscribeClientError', 'PublishDataMessageClientError'] as const;

    // Live publish failures: any LivePublishFailures (a publish that failed after its retries) in 2 of 3 minutes. The
    // stream relay publishes whatever the runner could not, so one failure makes an event seconds late, not lost;
    // failures minute after minute mean the channel refuses publishes (a permission, the endpoint, the inbound quota)
    // and every player's push is late or, if the relay fails too, missing until the next snapshot.
    alarm('livePublishFailures', {
      alarmDescription: 'Publishing to the live channel failed in 2 of the last 3 minutes. Runbook: docs/operations.md#live-channel',
      metric: own('LivePublishFailures'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // Event API 5xx on its HTTP (publishing) endpoint in 2 consecutive minutes: AppSync itself failing publishes. Only
    // our functions call that endpoint, so no player traffic is in it. Its 4xx stay on the dashboard: a player's token
    // trying to publish gets one by design.
    alarm('liveHttp5xx', {
      alarmDescription: 'The publishing endpoint of the live channel answered 5xx in 2 consecutive minutes. Runbook: docs/operations.md#live-channel',
      metric: live.metricHttp('5XXError'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // Delivery errors: 100 or more server-side errors a minute connecting, subscribing or delivering to a subscriber, in
    // 2 of 3 minutes. A client that misses an event fills the seq gap from the snapshot at the next one and reconnects
    // with backoff, so scattered errors cost a player a second; hundreds a minute, sustained, mean AppSync is failing a
    // share of the audience. Client errors (expired tokens, throttled connects) are graphed, not alarmed.
    const deliveryErrorMetrics = Object.fromEntries(
      namespaceIds.flatMap((ns, i) => liveServerErrors.map((m) => [`${m.charAt(0).toLowerCase()}${i}`, live.metricRealtime(m, ns)] as const)),
    );
    alarm('liveDeliveryErrors', {
      alarmDescription: 'The live channel failed 100+ connections, subscriptions or deliveries a minute (2 of 3 minutes). Runbook: docs/operations.md#live-channel',
      metric: new MathExpression({
        expression: Object.keys(deliveryErrorMetrics).map((id) => `FILL(${id}, 0)`).join(' + '),
        usingMetrics: deliveryErrorMetrics,
        label: 'live server errors',
        period: ONE_MINUTE,
      }),
      threshold: 100,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    /* ------------------------------------------------------------------ the canary */

    if (flag(this, 'canary')) {
      const secretName = String(this.node.tryGetContext('canarySecretName') ?? `trivia-live/${props.stage}/canary`);
      const secret = Secret.fromSecretNameV2(this, 'CanarySecret', secretName);
      this.canary = new TriviaFunction<'canary'>(this, 'Canary', {
        functionId: 'canary',
        spec: canaryFunction,
        stage: props.stage,
        environment: {
          API_URL: props.apiBaseUrl ?? api.url,
          COGNITO_ENDPOINT: `https://cognito-idp.${stack.region}.amazonaws.com`,
          USER_POOL_CLIENT_ID: props.userPoolClient.userPoolClientId,
          CANARY_SECRET_NAME: secretName,
        },
      });
      secret.grantRead(this.canary.fn);
      const [schedule] = (canaryFunction.triggers as Trigger[]).filter((t) => t.kind === 'schedule');
      const rateMinutes = schedule?.kind === 'schedule' ? schedule.rateMinutes : 5;
      this.canaryRule = new Rule(this, 'CanarySchedule', {
        description: `Canary: a one-question show through the public API every ${rateMinutes} minutes`,
        schedule: Schedule.rate(Duration.minutes(rateMinutes)),
      });
      // No retries: a failed run is reported (CanarySuccess 0) and the next one comes on schedule.
      this.canaryRule.addTarget(new LambdaFunction(this.canary.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(rateMinutes) }));

      // Canary failure: CanarySuccess below 1 in 2 consecutive runs (10 minutes); no value counts as a failure (the
      // canary did not run). The canary goes through every layer a player does, so one failed run is often a transient (a
      // cold start eating into its short window); two in a row mean players are affected.
      alarm('canaryFailed', {
        alarmDescription: 'The canary failed twice in a row (or did not run). Runbook: docs/operations.md#canary',
        metric: own('CanarySuccess', 'Minimum', {}, Duration.minutes(rateMinutes)),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 2,
        treatMissingData: TreatMissingData.BREACHING,
      });
    }

    /* ------------------------------------------------------------------ the dashboard */

    const graph = (title: string, left: IMetric[], options: { right?: IMetric[]; width?: number; stacked?: boolean } = {}) =>
      new GraphWidget({ title, left, right: options.right, width: options.width ?? 8, height: 6, stacked: options.stacked, period: ONE_MINUTE });
    const header = (markdown: string) => new TextWidget({ markdown, width: 24, height: 1 });

    const rows: IWidget[][] = [
      [
        new TextWidget({
          markdown:
            `# Trivia Live — ${props.stage}\nAlarms go to the SNS topic \`${this.alarmTopic.node.id}\`; runbook: docs/operations.md. ` +
            'Errors of every rejected input: `GET /api/v1/errors`; dead letters: `GET /api/v1/dlq`, `npm run dlq`. ' +
            'X-Ray traces start at the functions (HTTP APIs have no X-Ray).',
          width: 24,
          height: 2,
        }),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms).filter((a): a is Alarm => a !== undefined), width: 24, height: 3 })],
      [header('## API')],
      [
        graph('API requests', [requests]),
        graph('API 4xx and 5xx', [clientErrors, serverErrors]),
        graph('API latency (ms)', [latency('p50'), latency('p90'), latency('p99')]),
      ],
      [header('## Functions')],
      [
        graph('Errors', fns.map((fn) => fnMetric(fn, 'Errors', 'Sum'))),
        graph('Throttles', fns.map((fn) => fnMetric(fn, 'Throttles', 'Sum'))),
        graph('Duration p99 (ms)', fns.map((fn) => fnMetric(fn, 'Duration', 'p99'))),
      ],
      [header('## Queues, dead letters and streams')],
      [
        graph('Queue depth (visible messages)', queueIds.map((q) => queueMetric(queues[q], 'ApproximateNumberOfMessagesVisible', 'Maximum', q)), { width: 6 }),
        graph('Age of oldest message (s)', queueIds.map((q) => queueMetric(queues[q], 'ApproximateAgeOfOldestMessage', 'Maximum', q)), { width: 6 }),
        graph(
          'Dead letters (DLQ depth)',
          deadLetterQueueIds().map((q) => queueMetric(deadLetterQueues[q], 'ApproximateNumberOfMessagesVisible', 'Maximum', `${q} DLQ`)),
          { width: 6, right: [ownByDimension('DeadLettersRecorded', 'queue')] },
        ),
        graph('Stream iterator age (ms)', streamConsumers.map((fn) => fnMetric(fn, 'IteratorAge', 'Maximum')), { width: 6 }),
      ],
      [header('## DynamoDB')],
      [graph('Throttled reads + writes', tableIds.map(throttleEvents), { width: 24 })],
      [header('## The show')],
      [
        graph('Answers', [own('AnswersAccepted'), own('AnswersStored'), own('AnswersDuplicateDropped')]),
        graph('Answers rejected, by reason', [ownByDimension('AnswersRejected', 'reason')]),
        graph('Registrations', [own('Registrations'), own('RegistrationsRepeated')]),
      ],
      [
        graph('Runner transitions, by step', [ownByDimension('RunnerTransitions', 'step')], { right: [own('RunnerFailures')] }),
        graph('Window close → final statistics (ms)', [own('CloseToFinalMs', 'p50'), own('CloseToFinalMs', 'p99'), own('CloseToFinalMs', 'Maximum')]),
        graph('Rejections (every route), by reason', [ownByDimension('Rejections', 'reason')]),
      ],
      [
        graph('Canary', [own('CanarySuccess', 'Minimum', {}, Duration.minutes(5))], {
          width: 12,
          right: [own('CanaryDurationMs', 'Maximum', {}, Duration.minutes(5)), own('CanaryCloseToEndMs', 'Maximum', {}, Duration.minutes(5))],
        }),
        graph('Dead letters recorded, by queue', [ownByDimension('DeadLettersRecorded', 'queue')], { width: 12 }),
      ],
      [header('## Live channel (AppSync Events)')],
      [
        graph('Live publishes failed; publishing endpoint errors', [own('LivePublishFailures')], { right: [live.metricHttp('5XXError'), live.metricHttp('4XXError')] }),
        graph(
          'Live connections and deliveries',
          namespaceIds.map((ns) => live.metricRealtime('ActiveConnections', ns, 'Maximum')),
          { right: namespaceIds.map((ns) => live.metricRealtime('PublishDataMessageSuccess', ns)) },
        ),
        graph(
          'Live errors: server (left), client (right)',
          namespaceIds.flatMap((ns) => liveServerErrors.map((m) => live.metricRealtime(m, ns))),
          { right: namespaceIds.flatMap((ns) => liveClientErrors.map((m) => live.metricRealtime(m, ns))) },
        ),
      ],
    ];

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}`,
      defaultInterval: Duration.hours(3),
      widgets: rows,
    });

    new CfnOutput(stack, 'AlarmTopicArn', { value: this.alarmTopic.topicArn, description: 'SNS topic of the alarms (subscribe with context alarmEmail)' });
    new CfnOutput(stack, 'DashboardName', { value: this.dashboard.dashboardName, description: 'The CloudWatch dashboard of this stage' });
  }
}
