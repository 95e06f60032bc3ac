/**
 * Operations infrastructure (lib/constructs/monitoring.ts): the dashboard of the stage, every alarm (its metric,
 * threshold and action), the alarm topic, the canary (only with context canary=true), log retention and tracing.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TriviaStack } from '../../lib/triviaStack.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { METRICS, type MetricName } from '../../lambda/shared/metricNames.ts';
import { canaryFunction, functions as functionSpecs, namespaces, tables as tableSpecs, type FunctionId, type Trigger } from '../../lib/wiring.ts';
import { deadLetterQueueIds, queues as queueSpecs, type DeadLetterQueueId, type QueueId, type TableId } from '../../lambda/shared/resources.ts';
import { logicalId, type CfnResourceJson } from './synth.ts';
import { synthStack } from './synth.ts';

const functionIds = Object.keys(functionSpecs) as FunctionId[];
const tableIds = Object.keys(tableSpecs) as TableId[];
const queueIds = Object.keys(queueSpecs) as QueueId[];
const streamConsumers = functionIds.filter((id) => (functionSpecs[id].triggers as Trigger[]).some((t) => t.kind === 'stream'));

let stack: TriviaStack;
let template: Template;
let plain: Template;
let plainStack: TriviaStack;
let prod: Template;
let prodStack: TriviaStack;

beforeAll(() => {
  ({ stack, template } = synthStack('test', { canary: 'true', alarmEmail: 'ops@example.com', canarySecretName: 'ops/canary' }));
  ({ stack: plainStack, template: plain } = synthStack('test'));
  ({ stack: prodStack, template: prod } = synthStack('prod', { canary: true }));
}, 120_000);

interface AlarmMetric {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] }; Period: number; Stat: string };
}
interface AlarmProps {
  AlarmName: string;
  AlarmDescription: string;
  Threshold: number;
  ComparisonOperator: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  TreatMissingData: string;
  AlarmActions: unknown[];
  OKActions: unknown[];
  Metrics?: AlarmMetric[];
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  Period?: number;
  Dimensions?: { Name: string; Value: unknown }[];
}

/** The operators' alarms; the deploy gates of lib/constructs/deployments.ts (`-deploy-errors-`) page no one and are tested there. */
const alarms = (t: Template) =>
  Object.values(t.findResources('AWS::CloudWatch::Alarm'))
    .map((a) => (a as CfnResourceJson).Properties as unknown as AlarmProps)
    .filter((a) => !String(a.AlarmName).includes('-deploy-errors-'));
const alarmNamed = (name: string, t: Template = template) => {
  const found = alarms(t).find((a) => a.AlarmName === `TriviaLive-test-${name}`);
  if (!found) throw new Error(`no alarm ${name}`);
  return found;
};
const flat = (s: NonNullable<AlarmMetric['MetricStat']>) => ({ ...s.Metric, Period: s.Period, Stat: s.Stat });
/** The single metric an alarm watches (alarms with a label keep it in `Metrics`). */
const single = (a: AlarmProps) => {
  if (!a.Metrics) return { Namespace: a.Namespace, MetricName: a.MetricName, Dimensions: a.Dimensions, Period: a.Period, Stat: a.Statistic };
  const stats = a.Metrics.filter((m) => m.MetricStat);
  expect(stats).toHaveLength(1);
  return flat(stats[0].MetricStat!);
};
const byId = (a: AlarmProps, id: string) => a.Metrics!.find((m) => m.Id === id)!.MetricStat!;
/** One of the functions' own metrics (lambda/shared/metricNames.ts), of the test stage, as `single` gives it. */
const ownMetric = (name: MetricName, Stat: string, Period = 60) => ({
  Namespace: 'TriviaLive',
  MetricName: name,
  Dimensions: [
    { Name: 'service', Value: 'trivia-live' },
    { Name: 'stage', Value: 'test' },
  ],
  Period,
  Stat,
});
const expression = (a: AlarmProps) => a.Metrics!.find((m) => m.Expression && m.ReturnData !== false)!.Expression;
const dlqOf = (s: TriviaStack, q: DeadLetterQueueId) => (q === 'streams' ? s.streamDlq : s.dlqs[q]);

describe('alarms', () => {
  it('has exactly the alarms of the design: one per DLQ, stream consumer, queue and table, and API, runner and canary', () => {
    const expected = [
      'api5xxRate',
      ...deadLetterQueueIds().map((q) => `deadLetters-${q}`),
      ...streamConsumers.map((f) => `iteratorAge-${f}`),
      ...queueIds.map((q) => `queueAge-${q}`),
      'runnerErrors',
      ...tableIds.map((t) => `dynamoThrottles-${t}`),
      'canaryFailed',
      'livePublishFailures',
      'liveHttp5xx',
      'liveDeliveryErrors',
    ].map((n) => `TriviaLive-test-${n}`);
    expect(alarms(template).map((a) => a.AlarmName).sort()).toEqual(expected.sort());
  });

  it('sends every alarm, and its recovery, to the alarm topic, and explains it with a runbook link', () => {
    const topic = { Ref: logicalId(stack.monitoring.alarmTopic) };
    for (const a of alarms(template)) {
      expect(a.AlarmActions, a.AlarmName).toEqual([topic]);
      expect(a.OKActions, a.AlarmName).toEqual([topic]);
      expect(a.AlarmDescription, a.AlarmName).toMatch(/Runbook: docs\/operations\.md#[a-z0-9-]+$/);
    }
  });

  it('API 5xx rate: more than 1 % of requests (from 20 a minute), 3 of 5 minutes', () => {
    const a = alarmNamed('api5xxRate');
    expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 5, DatapointsToAlarm: 3, TreatMissingData: 'notBreaching' });
    expect(expression(a)).toBe('IF(FILL(requests, 0) >= 20, 100 * FILL(errors, 0) / requests, 0)');
    const api = [{ Name: 'ApiId', Value: { Ref: logicalId(stack.api.httpApi) } }];
    expect(byId(a, 'requests')).toEqual({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: 'Count', Dimensions: api }, Period: 60, Stat: 'Sum' });
    expect(byId(a, 'errors')).toEqual({ Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Dimensions: api }, Period: 60, Stat: 'Sum' });
  });

  it.each(deadLetterQueueIds())('any message in the %s DLQ, at once', (q) => {
    const a = alarmNamed(`deadLetters-${q}`);
    expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    expect(single(a)).toEqual({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(dlqOf(stack, q)), 'QueueName'] } }],
      Period: 60,
      Stat: 'Maximum',
    });
  });

  it.each(streamConsumers)('%s: stream iterator age over 30 s, 2 minutes in a row', (fn) => {
    const a = alarmNamed(`iteratorAge-${fn}`);
    expect(a).toMatchObject({ Threshold: 30_000, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, TreatMissingData: 'notBreaching' });
    expect(single(a)).toEqual({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.functions[fn].fn) } }],
      Period: 60,
      Stat: 'Maximum',
    });
  });

  it.each([
    ['answers', 30],
    ['runnerTicks', 960],
  ] as const)('%s: age of the oldest message over %i s, 2 minutes in a row', (q, seconds) => {
    const a = alarmNamed(`queueAge-${q}`);
    expect(a).toMatchObject({ Threshold: seconds, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 2, TreatMissingData: 'notBreaching' });
    expect(single(a)).toEqual({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.queues[q]), 'QueueName'] } }],
      Period: 60,
      Stat: 'Maximum',
    });
  });

  it('runner errors: function errors plus RunnerFailures of this stage, 2 minutes in a row', () => {
    const a = alarmNamed('runnerErrors');
    expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 2, TreatMissingData: 'notBreaching' });
    expect(expression(a)).toBe('FILL(errors, 0) + FILL(failures, 0)');
    expect(byId(a, 'errors')).toEqual({
      Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(stack.functions.episodeRunner.fn) } }] },
      Period: 60,
      Stat: 'Sum',
    });
    expect(flat(byId(a, 'failures'))).toEqual(ownMetric('RunnerFailures', 'Sum'));
  });

  it.each(tableIds)('%s: 25 or more DynamoDB throttle events a minute, 2 of 3 minutes', (t) => {
    const a = alarmNamed(`dynamoThrottles-${t}`);
    expect(a).toMatchObject({ Threshold: 25, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' });
    const metrics = a.Metrics!.filter((m) => m.MetricStat).map((m) => m.MetricStat!);
    expect(metrics.map((m) => m.Metric.MetricName).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    for (const m of metrics) {
      expect(m).toMatchObject({ Period: 60, Stat: 'Sum', Metric: { Namespace: 'AWS/DynamoDB', Dimensions: [{ Name: 'TableName', Value: { Ref: logicalId(stack.tables[t]) } }] } });
    }
    expect(expression(a)).toMatch(/^FILL\(r\w+, 0\) \+ FILL\(w\w+, 0\)$/);
  });

  it('canary: CanarySuccess below 1 in 2 runs in a row, a missing run counting as a failure', () => {
    const a = alarmNamed('canaryFailed');
    expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'LessThanThreshold', EvaluationPeriods: 2, TreatMissingData: 'breaching' });
    expect(single(a)).toEqual(ownMetric('CanarySuccess', 'Minimum', 300));
  });

  const eventApiId = () => ({ 'Fn::GetAtt': [logicalId(stack.liveChannel.api), 'ApiId'] });

  it('live publish failures: LivePublishFailures of this stage, 2 of 3 minutes (the relay covers a single one)', () => {
    const a = alarmNamed('livePublishFailures');
    expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' });
    expect(single(a)).toEqual(ownMetric('LivePublishFailures', 'Sum'));
  });

  it('live HTTP 5xx: the Event API’s publishing endpoint (dimension EventAPIId), 2 minutes in a row', () => {
    const a = alarmNamed('liveHttp5xx');
    expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 2, TreatMissingData: 'notBreaching' });
    expect(single(a)).toEqual({ Namespace: 'AWS/AppSync', MetricName: '5XXError', Dimensions: [{ Name: 'EventAPIId', Value: eventApiId() }], Period: 60, Stat: 'Sum' });
  });

  it('live delivery errors: connect, subscribe and delivery server errors of every namespace, 100 a minute, 2 of 3 minutes', () => {
    const a = alarmNamed('liveDeliveryErrors');
    expect(a).toMatchObject({ Threshold: 100, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' });
    const stats = a.Metrics!.filter((m) => m.MetricStat).map((m) => m.MetricStat!);
    expect(stats.map((m) => m.Metric.MetricName).sort()).toEqual(
      namespaces.flatMap(() => ['ConnectServerError', 'PublishDataMessageServerError', 'SubscribeServerError']).sort(),
    );
    for (const m of stats) expect(m).toMatchObject({ Period: 60, Stat: 'Sum', Metric: { Namespace: 'AWS/AppSync' } });
    expect(stats.map((m) => m.Metric.Dimensions)).toEqual(
      namespaces.flatMap((ns) => Array.from({ length: 3 }, () => [{ Name: 'ChannelNamespaceName', Value: ns }, { Name: 'EventAPIId', Value: eventApiId() }])),
    );
    // Every metric is in the sum, a missing minute counting as 0.
    const ids = a.Metrics!.filter((m) => m.MetricStat).map((m) => m.Id);
    expect(expression(a)).toBe(ids.map((id) => `FILL(${id}, 0)`).join(' + '));
  });

  it('has no canary alarm (and no canary) without context canary=true', () => {
    expect(alarms(plain).map((a) => a.AlarmName)).not.toContain('TriviaLive-test-canaryFailed');
    expect(alarms(plain)).toHaveLength(alarms(template).length - 1);
    expect(plainStack.monitoring.canary).toBeUndefined();
  });
});

describe('alarm topic', () => {
  it('is encrypted with a rotating customer managed key that CloudWatch may use, and TLS only', () => {
    const topicId = logicalId(stack.monitoring.alarmTopic);
    const keyId = logicalId(stack.monitoring.alarmKey);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('has an email subscription from context alarmEmail, and none without', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: logicalId(stack.monitoring.alarmTopic) },
    });
    plain.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('is an output, as is the dashboard name', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.AlarmTopicArn.Value).toEqual({ Ref: logicalId(stack.monitoring.alarmTopic) });
    expect(outputs.DashboardName.Value).toEqual({ Ref: logicalId(stack.monitoring.dashboard) });
  });
});

/** The dashboard body with `{Ref}`/`{Fn::GetAtt}` turned into `<ref:Id>` / `<att:Id.Attr>`, parsed. */
function dashboardBody(t: Template): { widgets: { type: string; properties: Record<string, unknown> }[] } {
  const [dash] = Object.values(t.findResources('AWS::CloudWatch::Dashboard')) as CfnResourceJson[];
  const body = dash.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1]
          .map((p) => {
            if (typeof p === 'string') return p;
            const o = p as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
            if (o.Ref) return `<ref:${o.Ref}>`;
            if (o['Fn::GetAtt']) return `<att:${o['Fn::GetAtt'].join('.')}>`;
            return '<token>';
          })
          .join('');
  return JSON.parse(text);
}

describe('dashboard', () => {
  let widgets: { type: string; properties: Record<string, unknown> }[];
  const graph = (title: string) => {
    const w = widgets.find((x) => x.properties.title === title);
    if (!w) throw new Error(`no widget ${title}`);
    return JSON.stringify(w.properties.metrics);
  };

  beforeAll(() => {
    widgets = dashboardBody(template).widgets;
  });

  it('is one dashboard per stage, named after the stack', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'TriviaLive-test' });
  });

  it('shows API requests, 4xx, 5xx and latency p50/p90/p99', () => {
    const api = `<ref:${logicalId(stack.api.httpApi)}>`;
    expect(graph('API requests')).toContain(`["AWS/ApiGateway","Count","ApiId","${api}"`);
    expect(graph('API 4xx and 5xx')).toContain('"4xx"');
    expect(graph('API 4xx and 5xx')).toContain('"5xx"');
    const latency = graph('API latency (ms)');
    for (const p of ['p50', 'p90', 'p99']) expect(latency).toContain(`"stat":"${p}"`);
  });

  it('shows errors, throttles and duration of every function', () => {
    for (const [title, metric] of [
      ['Errors', 'Errors'],
      ['Throttles', 'Throttles'],
      ['Duration p99 (ms)', 'Duration'],
    ]) {
      const metrics = graph(title);
      for (const id of functionIds) expect(metrics, `${title} ${id}`).toContain(`["AWS/Lambda","${metric}","FunctionName","<ref:${logicalId(stack.functions[id].fn)}>"`);
    }
  });

  it('shows queue depth and age, every DLQ (with the stream DLQ) and the stream iterator ages', () => {
    for (const q of queueIds) {
      const name = `<att:${logicalId(stack.queues[q])}.QueueName>`;
      expect(graph('Queue depth (visible messages)')).toContain(`"ApproximateNumberOfMessagesVisible","QueueName","${name}"`);
      expect(graph('Age of oldest message (s)')).toContain(`"ApproximateAgeOfOldestMessage","QueueName","${name}"`);
    }
    for (const q of deadLetterQueueIds()) {
      expect(graph('Dead letters (DLQ depth)')).toContain(`"ApproximateNumberOfMessagesVisible","QueueName","<att:${logicalId(dlqOf(stack, q))}.QueueName>"`);
    }
    for (const fn of streamConsumers) {
      expect(graph('Stream iterator age (ms)')).toContain(`"IteratorAge","FunctionName","<ref:${logicalId(stack.functions[fn].fn)}>"`);
    }
  });

  it('shows DynamoDB throttles of every table', () => {
    const metrics = graph('Throttled reads + writes');
    for (const t of tableIds) {
      expect(metrics).toContain(`["AWS/DynamoDB","ReadThrottleEvents","TableName","<ref:${logicalId(stack.tables[t])}>"`);
      expect(metrics).toContain(`["AWS/DynamoDB","WriteThrottleEvents","TableName","<ref:${logicalId(stack.tables[t])}>"`);
    }
  });

  it("shows the show's metrics, of this stage: answers, rejections by reason, registrations, transitions, close → final, dead letters, canary", () => {
    const ours = (name: string) => `["TriviaLive","${name}","service","trivia-live","stage","test"`;
    expect(graph('Answers')).toContain(ours('AnswersAccepted'));
    expect(graph('Answers')).toContain(ours('AnswersStored'));
    expect(graph('Registrations')).toContain(ours('Registrations'));
    expect(graph('Window close → final statistics (ms)')).toContain(ours('CloseToFinalMs'));
    expect(graph('Canary')).toContain(ours('CanarySuccess'));
    const search = (name: string, dimension: string) =>
      `SEARCH('{TriviaLive,${dimension},service,stage} MetricName=\\"${name}\\" service=\\"trivia-live\\" stage=\\"test\\"', 'Sum', 60)`;
    expect(graph('Answers rejected, by reason')).toContain(search('AnswersRejected', 'reason'));
    expect(graph('Rejections (every route), by reason')).toContain(search('Rejections', 'reason'));
    expect(graph('Runner transitions, by step')).toContain(search('RunnerTransitions', 'step'));
    expect(graph('Dead letters recorded, by queue')).toContain(search('DeadLettersRecorded', 'queue'));
  });

  it('shows the live channel: publish failures, the publishing endpoint’s 4xx/5xx, connections, deliveries and errors per namespace', () => {
    const api = `<att:${logicalId(stack.liveChannel.api)}.ApiId>`;
    const publishing = graph('Live publishes failed; publishing endpoint errors');
    expect(publishing).toContain('["TriviaLive","LivePublishFailures","service","trivia-live","stage","test"');
    for (const m of ['4XXError', '5XXError']) expect(publishing).toContain(`["AWS/AppSync","${m}","EventAPIId","${api}"`);
    for (const ns of namespaces) {
      const realtime = (m: string) => `["AWS/AppSync","${m}","ChannelNamespaceName","${ns}","EventAPIId","${api}"`;
      expect(graph('Live connections and deliveries')).toContain(realtime('ActiveConnections'));
      expect(graph('Live connections and deliveries')).toContain(realtime('PublishDataMessageSuccess'));
      for (const m of ['ConnectServerError', 'SubscribeServerError', 'PublishDataMessageServerError', 'ConnectClientError', 'SubscribeClientError', 'PublishDataMessageClientError']) {
        expect(graph('Live errors: server (left), client (right)')).toContain(realtime(m));
      }
    }
  });

  it('shows the state of every alarm', () => {
    const status = widgets.find((w) => w.type === 'alarm');
    expect((status?.properties.alarms as unknown[]).length).toBe(alarms(template).length);
  });
});

describe('canary (context canary=true)', () => {
  const canaryProps = () => {
    const fn = stack.monitoring.canary!;
    return (template.toJSON().Resources[logicalId(fn.fn)] as CfnResourceJson).Properties;
  };

  it('is a function like the others (nodejs22.x, arm64, X-Ray) with the API, Cognito and the secret name, no credentials', () => {
    expect(canaryProps()).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: canaryFunction.timeoutSeconds,
      LoggingConfig: { LogGroup: { Ref: logicalId(stack.monitoring.canary!.logGroup) } },
    });
    const vars = (canaryProps().Environment as { Variables: Record<string, unknown> }).Variables;
    expect(vars).toMatchObject({
      // Through CloudFront: the API refuses direct calls.
      API_URL: stack.resolve(stack.cdn.url),
      USER_POOL_CLIENT_ID: { Ref: logicalId(stack.userPoolClient) },
      CANARY_SECRET_NAME: 'ops/canary',
      STAGE: 'test',
    });
    expect(Object.keys(vars).filter((k) => /PASSWORD|USERNAME|SECRET$/.test(k))).toEqual([]);
  });

  it('runs every 5 minutes, without retries', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack.monitoring.canary!.fn), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
  });

  it('may read its secret and nothing of the data', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as CfnResourceJson[];
    const roleId = logicalId(stack.monitoring.canary!.role);
    const statements = policies
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.filter((a) => /^(dynamodb|sqs|sns|s3|cognito-idp|kms):/.test(a))).toEqual([]);
    // Its secret, its logs, its traces and nothing else: its rights in the game come from its Cognito group, not from IAM.
    expect(new Set(actions.map((a) => a.split(':')[0]))).toEqual(new Set(['secretsmanager', 'logs', 'xray']));
    const secretStatement = statements.find((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(secretStatement?.Resource)).toContain(':secret:ops/canary-??????');
  });

  it('defaults its secret name to trivia-live/<stage>/canary', () => {
    const fn = Object.values(prod.findResources('AWS::Lambda::Function')).find((f) =>
      JSON.stringify((f as CfnResourceJson).Properties.Environment ?? {}).includes('CANARY_SECRET_NAME'),
    ) as CfnResourceJson;
    expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables.CANARY_SECRET_NAME).toBe('trivia-live/prod/canary');
  });
});

describe('metric names (lambda/shared/metricNames.ts)', () => {
  it('lists only metrics a function emits: every name is used by an addMetric call under lambda/', () => {
    const lambdaDir = new URL('../../lambda/', import.meta.url);
    const sources = (readdirSync(lambdaDir, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(new URL(f, lambdaDir), 'utf8'))
      .join('\n');
    const emitted = (Object.keys(METRICS) as MetricName[]).filter((name) => new RegExp(`addMetric\\([^)]*metricName\\.${name}\\b`).test(sources));
    expect(emitted).toEqual(Object.keys(METRICS));
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged with the canary on (the default stage is checked by nag.test.ts)', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('logs and tracing', () => {
  it("keeps the canary's logs like every other (stack.test.ts): 30 days and deleted with the stage, a year and kept in prod", () => {
    const group = (t: Template, s: TriviaStack) => t.toJSON().Resources[logicalId(s.monitoring.canary!.logGroup)] as CfnResourceJson;
    expect(group(template, stack)).toMatchObject({ Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Delete' });
    expect(group(prod, prodStack)).toMatchObject({ Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
  });

  it('gives every function (the canary included) its own log group and X-Ray active tracing', () => {
    const fns = [...Object.values(stack.functions), stack.monitoring.canary!];
    for (const fn of fns) {
      const props = (template.toJSON().Resources[logicalId(fn.fn)] as CfnResourceJson).Properties;
      expect(props.LoggingConfig, fn.functionId).toEqual({ LogGroup: { Ref: logicalId(fn.logGroup) } });
      expect(props.TracingConfig, fn.functionId).toEqual({ Mode: 'Active' });
    }
  });
});
