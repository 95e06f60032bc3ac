/**
 * The alarms of a stage. Every threshold is justified where it is defined; every alarm, and its recovery, goes to the
 * alarm topic with a runbook link (docs/operations.md). The canary's alarm is defined with the canary (canary.ts).
 */
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Stack } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { metricName } from '../../../lambda/shared/metricNames.ts';
import { namespaces as namespaceIds, type FunctionId } from '../../wiring.ts';
import { deadLetterQueueIds, type DeadLetterQueueId, type QueueId, type TableId } from '../../../lambda/shared/resources.ts';
import type { TriviaFunction } from '../functions.ts';
import type { LiveChannel } from '../liveChannel.ts';
import { pascal } from '../support.ts';
import { LIVE_SERVER_ERRORS, ONE_MINUTE, type StageMetrics } from './metrics.ts';

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

export type Alarms = Partial<Record<AlarmId, Alarm>>;

/** Adds one alarm, named `<stack>-<alarmId>`, that notifies the topic when it fires and when it recovers. */
export type AddAlarm = (alarmId: AlarmId, props: ConstructorParameters<typeof Alarm>[2]) => Alarm;

/** An AddAlarm that creates the alarms in `scope` (the Monitoring construct) and records them in `alarms`. */
export function alarmAdder(scope: Construct, topic: ITopic, alarms: Alarms): AddAlarm {
  const action = new SnsAction(topic);
  return (alarmId, props) => {
    const a = new Alarm(scope, `Alarm${pascal(alarmId.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()))}`, {
      alarmName: `${Stack.of(scope).stackName}-${alarmId}`,
      ...props,
    });
    a.addAlarmAction(action);
    a.addOkAction(action);
    alarms[alarmId] = a;
    return a;
  };
}

export interface StandingAlarmsProps {
  readonly functions: Record<FunctionId, TriviaFunction>;
  readonly queues: Record<QueueId, IQueue>;
  readonly deadLetterQueues: Record<DeadLetterQueueId, IQueue>;
  readonly liveChannel: LiveChannel;
}

/** The alarms every stage has: API, dead letters, streams, queues, the runner, DynamoDB and the live channel. */
export function addStandingAlarms(add: AddAlarm, m: StageMetrics, props: StandingAlarmsProps): void {
  const { functions, queues, deadLetterQueues } = props;
  const { requests, serverErrors, streamConsumers, tableIds } = m;
  const queueIds = Object.keys(queues) as QueueId[];

  // API 5xx rate > 1 % in 3 of 5 minutes, counted only from 20 requests a minute. The contract has no 5xx, so any
  // sustained rate is a fault (a broken deploy fails most requests and pages in 3 minutes); a single failed cold start
  // or a brief DynamoDB blip does not. Under 20 requests a minute a rate means little (1 of 5 would be 20 %): quiet
  // stages are covered by the canary.
  add('api5xxRate', {
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
    add(`deadLetters-${q}`, {
      alarmDescription: `A message is in the ${q} dead-letter queue. Runbook: docs/operations.md#dead-letters`,
      metric: m.queueMetric(deadLetterQueues[q], 'ApproximateNumberOfMessagesVisible', 'Maximum', `${q} DLQ`),
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
    add(`iteratorAge-${fn.functionId}`, {
      alarmDescription: `${fn.functionId} is more than 30 s behind its stream. Runbook: docs/operations.md#iterator-age`,
      metric: m.fnMetric(fn, 'IteratorAge', 'Maximum'),
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
    add(`queueAge-${q}`, {
      alarmDescription: `The oldest message of the ${q} queue is older than ${queueAgeThreshold[q]} s. Runbook: docs/operations.md#queue-age`,
      metric: m.queueMetric(queues[q], 'ApproximateAgeOfOldestMessage', 'Maximum', `${q} oldest`),
      threshold: queueAgeThreshold[q],
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  // Runner errors: any failed run (a function error, or RunnerFailures: a tick or sweep that could not advance an
  // episode) in 2 consecutive minutes. A single failure is retried by the next tick or sweep; failures two minutes in a
  // row mean a live show is stuck. Conditional-write conflicts between runners are not failures.
  add('runnerErrors', {
    alarmDescription: 'The episode runner failed in 2 consecutive minutes: a live show may be stuck. Runbook: docs/operations.md#runner-errors',
    metric: new MathExpression({
      expression: 'FILL(errors, 0) + FILL(failures, 0)',
      usingMetrics: { errors: m.fnMetric(functions.episodeRunner, 'Errors', 'Sum'), failures: m.own(metricName.RunnerFailures) },
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
    add(`dynamoThrottles-${t}`, {
      alarmDescription: `DynamoDB throttles the ${t} table (25+ events a minute). Runbook: docs/operations.md#dynamodb-throttles`,
      metric: m.throttleEvents(t),
      threshold: 25,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }


  /* ------------------------------------------------------------------ the live channel */

  const live = props.liveChannel;

  // Live publish failures: any LivePublishFailures (a publish that failed after its retries) in 2 of 3 minutes. The
  // stream relay publishes whatever the runner could not, so one failure makes an event seconds late, not lost;
  // failures minute after minute mean the channel refuses publishes (a permission, the endpoint, the inbound quota)
  // and every player's push is late or, if the relay fails too, missing until the next snapshot.
  add('livePublishFailures', {
    alarmDescription: 'Publishing to the live channel failed in 2 of the last 3 minutes. Runbook: docs/operations.md#live-channel',
    metric: m.own(metricName.LivePublishFailures),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });

  // Event API 5xx on its HTTP (publishing) endpoint in 2 consecutive minutes: AppSync itself failing publishes. Only
  // our functions call that endpoint, so no player traffic is in it. Its 4xx stay on the dashboard: a player's token
  // trying to publish gets one by design.
  add('liveHttp5xx', {
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
    namespaceIds.flatMap((ns, i) => LIVE_SERVER_ERRORS.map((name) => [`${name.charAt(0).toLowerCase()}${i}`, live.metricRealtime(name, ns)] as const)),
  );
  add('liveDeliveryErrors', {
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
}
