/**
 * The metrics the alarms and the dashboard share, built once per stage: the API's, the functions', the queues', the
 * tables' and our own (lambda/shared/metricNames.ts: namespace, names, units and the extra dimension of each).
 */
import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { METRICS, METRICS_NAMESPACE, SERVICE_NAME, type DimensionedMetricName, type MetricName } from '../../../lambda/shared/metricNames.ts';
import type { FunctionId } from '../../wiring.ts';
import type { TableId } from '../../../lambda/shared/resources.ts';
import type { Api } from '../api.ts';
import type { TriviaFunction } from '../functions.ts';
import { pascal, triggersOf } from '../support.ts';

export const ONE_MINUTE = Duration.minutes(1);

/** The live channel's server-side and client-side error metrics (AWS/AppSync, per namespace). */
export const LIVE_SERVER_ERRORS = ['ConnectServerError', 'SubscribeServerError', 'PublishDataMessageServerError'] as const;
export const LIVE_CLIENT_ERRORS = ['ConnectClientError', 'SubscribeClientError', 'PublishDataMessageClientError'] as const;

export interface StageMetricsProps {
  readonly stage: string;
  readonly api: Api;
  readonly functions: Record<FunctionId, TriviaFunction>;
  readonly tables: Record<TableId, ITable>;
}

export class StageMetrics {
  readonly requests: Metric;
  readonly clientErrors: Metric;
  readonly serverErrors: Metric;
  readonly fns: TriviaFunction[];
  /** The functions a DynamoDB stream triggers. */
  readonly streamConsumers: TriviaFunction[];
  readonly tableIds: TableId[];

  constructor(private readonly props: StageMetricsProps) {
    const { httpApi } = props.api;
    this.requests = httpApi.metricCount({ period: ONE_MINUTE, statistic: 'Sum', label: 'requests' });
    this.clientErrors = httpApi.metricClientError({ period: ONE_MINUTE, statistic: 'Sum', label: '4xx' });
    this.serverErrors = httpApi.metricServerError({ period: ONE_MINUTE, statistic: 'Sum', label: '5xx' });
    this.fns = Object.values(props.functions);
    this.streamConsumers = this.fns.filter((fn) => triggersOf(fn.spec, 'stream').length > 0);
    this.tableIds = Object.keys(props.tables) as TableId[];
  }

  latency(percentile: string): Metric {
    return this.props.api.httpApi.metricLatency({ period: ONE_MINUTE, statistic: percentile, label: `latency ${percentile}` });
  }

  /** One of our metrics of this stage. */
  own(name: MetricName, statistic = 'Sum', period = ONE_MINUTE): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: SERVICE_NAME, stage: this.props.stage },
      statistic,
      period,
    });
  }

  /** Every value of the extra dimension of one of our metrics (`reason`, `step`, `queue`). */
  ownByDimension(name: DimensionedMetricName, statistic = 'Sum'): MathExpression {
    const dimension = METRICS[name].dimension;
    return new MathExpression({
      expression: `SEARCH('{${METRICS_NAMESPACE},${dimension},service,stage} MetricName="${name}" service="${SERVICE_NAME}" stage="${this.props.stage}"', '${statistic}', 60)`,
      usingMetrics: {},
      label: '',
      period: ONE_MINUTE,
    });
  }

  fnMetric(fn: TriviaFunction, name: string, statistic: string): Metric {
    return fn.fn.metric(name, { period: ONE_MINUTE, statistic, label: fn.functionId });
  }

  queueMetric(q: IQueue, name: string, statistic: string, label: string): Metric {
    return new Metric({ namespace: 'AWS/SQS', metricName: name, dimensionsMap: { QueueName: q.queueName }, statistic, period: ONE_MINUTE, label });
  }

  /** Throttled reads plus writes of a table. */
  throttleEvents(tableId: TableId): MathExpression {
    const table = this.props.tables[tableId];
    return new MathExpression({
      // Ids unique per table: the dashboard graphs every table's expression in one widget.
      expression: `FILL(r${pascal(tableId)}, 0) + FILL(w${pascal(tableId)}, 0)`,
      usingMetrics: {
        [`r${pascal(tableId)}`]: table.metric('ReadThrottleEvents', { period: ONE_MINUTE, statistic: 'Sum' }),
        [`w${pascal(tableId)}`]: table.metric('WriteThrottleEvents', { period: ONE_MINUTE, statistic: 'Sum' }),
      },
      label: tableId,
      period: ONE_MINUTE,
    });
  }
}
