/** The CloudWatch dashboard of a stage: alarm states, then the API, functions, queues, tables, the show and the live channel. */
import { Duration, Stack } from 'aws-cdk-lib';
import { AlarmStatusWidget, Dashboard, GraphWidget, TextWidget, type Alarm, type IMetric, type IWidget } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { metricName } from '../../../lambda/shared/metricNames.ts';
import { namespaces as namespaceIds } from '../../wiring.ts';
import { deadLetterQueueIds, type DeadLetterQueueId, type QueueId } from '../../../lambda/shared/resources.ts';
import type { LiveChannel } from '../liveChannel.ts';
import type { Alarms } from './alarms.ts';
import { CANARY_RATE_MINUTES } from './canary.ts';
import { LIVE_CLIENT_ERRORS, LIVE_SERVER_ERRORS, ONE_MINUTE, type StageMetrics } from './metrics.ts';

export interface DashboardProps {
  readonly stage: string;
  readonly alarmTopic: ITopic;
  /** Every alarm of the stage, the canary's included: the dashboard shows their states. */
  readonly alarms: Alarms;
  readonly queues: Record<QueueId, IQueue>;
  readonly deadLetterQueues: Record<DeadLetterQueueId, IQueue>;
  readonly liveChannel: LiveChannel;
}

/** Adds the dashboard to `scope` (the Monitoring construct), named after the stack. */
export function addDashboard(scope: Construct, m: StageMetrics, props: DashboardProps): Dashboard {
  const { requests, clientErrors, serverErrors, fns, streamConsumers } = m;
  const { queues, deadLetterQueues } = props;
  const queueIds = Object.keys(queues) as QueueId[];
  const live = props.liveChannel;
  // The canary's metrics are graphed whether or not it runs, at its rate.
  const canaryPeriod = Duration.minutes(CANARY_RATE_MINUTES);
  const graph = (title: string, left: IMetric[], options: { right?: IMetric[]; width?: number; stacked?: boolean } = {}) =>
    new GraphWidget({ title, left, right: options.right, width: options.width ?? 8, height: 6, stacked: options.stacked, period: ONE_MINUTE });
  const header = (markdown: string) => new TextWidget({ markdown, width: 24, height: 1 });

  const rows: IWidget[][] = [
    [
      new TextWidget({
        markdown:
          `# Trivia Live — ${props.stage}\nAlarms go to the SNS topic \`${props.alarmTopic.node.id}\`; runbook: docs/operations.md. ` +
          'Errors of every rejected input: `GET /api/v1/errors`; dead letters: `GET /api/v1/dlq`, `npm run dlq`. ' +
          'X-Ray traces start at the functions (HTTP APIs have no X-Ray).',
        width: 24,
        height: 2,
      }),
    ],
    [new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(props.alarms).filter((a): a is Alarm => a !== undefined), width: 24, height: 3 })],
    [header('## API')],
    [
      graph('API requests', [requests]),
      graph('API 4xx and 5xx', [clientErrors, serverErrors]),
      graph('API latency (ms)', [m.latency('p50'), m.latency('p90'), m.latency('p99')]),
    ],
    [header('## Functions')],
    [
      graph('Errors', fns.map((fn) => m.fnMetric(fn, 'Errors', 'Sum'))),
      graph('Throttles', fns.map((fn) => m.fnMetric(fn, 'Throttles', 'Sum'))),
      graph('Duration p99 (ms)', fns.map((fn) => m.fnMetric(fn, 'Duration', 'p99'))),
    ],
    [header('## Queues, dead letters and streams')],
    [
      graph('Queue depth (visible messages)', queueIds.map((q) => m.queueMetric(queues[q], 'ApproximateNumberOfMessagesVisible', 'Maximum', q)), { width: 6 }),
      graph('Age of oldest message (s)', queueIds.map((q) => m.queueMetric(queues[q], 'ApproximateAgeOfOldestMessage', 'Maximum', q)), { width: 6 }),
      graph(
        'Dead letters (DLQ depth)',
        deadLetterQueueIds().map((q) => m.queueMetric(deadLetterQueues[q], 'ApproximateNumberOfMessagesVisible', 'Maximum', `${q} DLQ`)),
        { width: 6, right: [m.ownByDimension(metricName.DeadLettersRecorded)] },
      ),
      graph('Stream iterator age (ms)', streamConsumers.map((fn) => m.fnMetric(fn, 'IteratorAge', 'Maximum')), { width: 6 }),
    ],
    [header('## DynamoDB')],
    [graph('Throttled reads + writes', m.tableIds.map((t) => m.throttleEvents(t)), { width: 24 })],
    [header('## The show')],
    [
      graph('Answers', [m.own(metricName.AnswersAccepted), m.own(metricName.AnswersStored), m.own(metricName.AnswersDuplicateDropped)]),
      graph('Answers rejected, by reason', [m.ownByDimension(metricName.AnswersRejected)]),
      graph('Registrations', [m.own(metricName.Registrations), m.own(metricName.RegistrationsRepeated)]),
    ],
    [
      graph('Runner transitions, by step', [m.ownByDimension(metricName.RunnerTransitions)], { right: [m.own(metricName.RunnerFailures)] }),
      graph('Window close → final statistics (ms)', [m.own(metricName.CloseToFinalMs, 'p50'), m.own(metricName.CloseToFinalMs, 'p99'), m.own(metricName.CloseToFinalMs, 'Maximum')]),
      graph('Rejections (every route), by reason', [m.ownByDimension(metricName.Rejections)]),
    ],
    [
      graph('Canary', [m.own(metricName.CanarySuccess, 'Minimum', canaryPeriod)], {
        width: 12,
        right: [m.own(metricName.CanaryDurationMs, 'Maximum', canaryPeriod), m.own(metricName.CanaryCloseToEndMs, 'Maximum', canaryPeriod)],
      }),
      graph('Dead letters recorded, by queue', [m.ownByDimension(metricName.DeadLettersRecorded)], { width: 12 }),
    ],
    [header('## Live channel (AppSync Events)')],
    [
      graph('Live publishes failed; publishing endpoint errors', [m.own(metricName.LivePublishFailures)], { right: [live.metricHttp('5XXError'), live.metricHttp('4XXError')] }),
      graph(
        'Live connections and deliveries',
        namespaceIds.map((ns) => live.metricRealtime('ActiveConnections', ns, 'Maximum')),
        { right: namespaceIds.map((ns) => live.metricRealtime('PublishDataMessageSuccess', ns)) },
      ),
      graph(
        'Live errors: server (left), client (right)',
        namespaceIds.flatMap((ns) => LIVE_SERVER_ERRORS.map((name) => live.metricRealtime(name, ns))),
        { right: namespaceIds.flatMap((ns) => LIVE_CLIENT_ERRORS.map((name) => live.metricRealtime(name, ns))) },
      ),
    ],
  ];

  return new Dashboard(scope, 'Dashboard', {
    dashboardName: `${Stack.of(scope).stackName}`,
    defaultInterval: Duration.hours(3),
    widgets: rows,
  });
}
