/**
 * One wiring, two stacks: every route, queue, stream and schedule of lib/wiring.ts is served by the local stack,
 * and the synthesized CDK template has exactly the same routes, event source mappings and schedules (and the same
 * tables and queues) as the local stack serves.
 */
import { describe, expect, it } from 'vitest';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { functions, httpRoutes, namespaces, tables, type FunctionId, type FunctionSpec, type Trigger } from '../../lib/wiring.ts';
import { envNames, queues, type QueueId, type TableId } from '../../lambda/shared/resources.ts';
import { handlerEnvironment } from '../../lib/local/env.ts';
import { localPlan } from '../../lib/local/plan.ts';
import { createRouter } from '../../lib/local/router.ts';
import { createTableInput } from '../../lib/local/dynamo.ts';
import { TriviaStack } from '../../lib/triviaStack.ts';

const plan = localPlan();

/** A concrete path for a route template: `{id}` → `p-id`. */
const samplePath = (path: string) => path.replace(/\{([^}+]+)\+?\}/g, (_, name: string) => `p-${name}`);

describe('the local stack serves the whole wiring', () => {
  it('routes every http trigger to its function, with its auth, with and without a trailing slash', () => {
    const router = createRouter();
    const routes = httpRoutes();
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) {
      for (const path of [samplePath(r.path), `${samplePath(r.path)}/`]) {
        const match = router.match(r.method, path);
        expect({ route: `${r.method} ${path}`, functionId: match?.route.functionId, auth: match?.route.auth }).toEqual({
          route: `${r.method} ${path}`,
          functionId: r.functionId,
          auth: r.auth,
        });
      }
    }
    expect(plan.routes).toHaveLength(routes.length);
  });

  it('polls every queue and stream trigger and times every schedule, with the wiring’s settings', () => {
    const expected = { queue: [] as unknown[], stream: [] as unknown[], schedule: [] as unknown[] };
    for (const [id, spec] of Object.entries(functions)) {
      for (const t of spec.triggers as Trigger[]) {
        if (t.kind === 'queue') expected.queue.push({ functionId: id, queue: t.queue, batchSize: t.batchSize, maxBatchingWindowSeconds: t.maxBatchingWindowSeconds });
        if (t.kind === 'stream') {
          const { kind: _kind, ...rest } = t;
          expected.stream.push({ functionId: id, ...rest });
        }
        if (t.kind === 'schedule') expected.schedule.push({ functionId: id, rateMinutes: t.rateMinutes });
      }
    }
    expect(plan.queueSources).toEqual(expected.queue.map((q) => expect.objectContaining(q as object)));
    expect(plan.queueSources).toHaveLength(expected.queue.length);
    expect(plan.streamSources).toEqual(expected.stream);
    expect(plan.schedules.map(({ functionId, rateMinutes }) => ({ functionId, rateMinutes }))).toEqual(expected.schedule);
    for (const s of plan.streamSources) expect(tables[s.table].stream, `${s.table} needs a stream for ${s.functionId}`).toBeDefined();
  });
});

describe('the local stack serves the wiring’s live channel', () => {
  it('has exactly the wiring’s channel namespaces, and every namespace a function publishes to', () => {
    expect(plan.namespaces).toEqual(namespaces);
    const published = (Object.values(functions) as FunctionSpec[]).flatMap((f) => f.publishesLive ?? []);
    expect(published.length).toBeGreaterThan(0);
    for (const ns of published) expect(plan.namespaces).toContain(ns);
  });

  it('gives the publishers the Event API’s HTTP endpoint under the wiring’s variable', () => {
    const env = handlerEnvironment({
      dynamoEndpoint: 'http://127.0.0.1:9',
      sqsEndpoint: 'http://127.0.0.1:9',
      cognitoEndpoint: 'http://127.0.0.1:9',
      tableNames: {} as never,
      queueUrls: {} as never,
      userPoolId: 'local_pool',
      userPoolClientId: 'client',
      outboxFile: '/dev/null',
      eventApiHttpEndpoint: 'http://127.0.0.1:4010/event',
      rootDir: new URL('../..', import.meta.url).pathname,
    });
    expect(env[envNames.eventApi]).toBe('http://127.0.0.1:4010/event');
  });
});

/* ------------------------------------------------------------------ the CDK template */

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const logicalIdOf = (c: IConstruct) => Stack.of(c).getLogicalId((c.node.defaultChild ?? c) as CfnElement);

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points at (with the attribute). */
function refOf(value: unknown): { id: string; attribute?: string } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return { id: v.Ref };
  if (Array.isArray(v['Fn::GetAtt'])) return { id: String(v['Fn::GetAtt'][0]), attribute: String(v['Fn::GetAtt'][1]) };
  return undefined;
}

describe('the CDK template serves the same as the local stack', () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new TriviaStack(app, 'TriviaLive-agreement', { stage: 'agreement' });
  const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> };
  const resources = Object.entries(template.Resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);

  const functionByLogicalId = new Map<string, FunctionId>(
    // Triggers invoke each function's live alias (lib/constructs/deployments.ts).
    (Object.keys(functions) as FunctionId[]).map((id) => [logicalIdOf(stack.functions[id].alias), id] as const),
  );
  const tableByLogicalId = new Map<string, TableId>((Object.keys(tables) as TableId[]).map((id) => [logicalIdOf(stack.tables[id]), id] as const));
  const queueByLogicalId = new Map<string, QueueId>((Object.keys(queues) as QueueId[]).map((id) => [logicalIdOf(stack.queues[id]), id] as const));
  // An SQS mapping names the alias as `<function name>:live`, a join over the alias's ARN: the first Ref inside it.
  const innerRef = (value: unknown) => /"Ref":"([^"]+)"/.exec(JSON.stringify(value))?.[1] ?? '';
  const functionOf = (value: unknown) => functionByLogicalId.get(refOf(value)?.id ?? innerRef(value)) ?? `unknown:${JSON.stringify(value)}`;

  it('has exactly the local routes, each with the same function and authorization', () => {
    const integrations = new Map(ofType('AWS::ApiGatewayV2::Integration').map(([id, r]) => [id, r.Properties]));
    const deployed = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => {
      const integrationId = String((r.Properties.Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].map((p) => refOf(p)?.id ?? p).join('')).replace(
        'integrations/',
        '',
      );
      const integration = integrations.get(integrationId);
      return `${String(r.Properties.RouteKey)} ${String(r.Properties.AuthorizationType)} ${functionOf(integration?.IntegrationUri)}`;
    });
    const local = plan.routes.map((r) => `${r.routeKey} ${r.auth === 'public' ? 'NONE' : 'JWT'} ${r.functionId}`);
    expect(deployed.sort()).toEqual(local.sort());
  });

  it('has exactly the local SQS and stream event sources, with the same batching and failure handling', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, r]) => r.Properties);
    const sqs = mappings.filter((m) => refOf(m.EventSourceArn)?.attribute === 'Arn');
    const streams = mappings.filter((m) => refOf(m.EventSourceArn)?.attribute === 'StreamArn');
    expect(sqs.length + streams.length).toBe(mappings.length);

    const deployedSqs = sqs.map((m) => ({
      functionId: functionOf(m.FunctionName),
      queue: queueByLogicalId.get(refOf(m.EventSourceArn)!.id),
      batchSize: m.BatchSize,
      maxBatchingWindowSeconds: m.MaximumBatchingWindowInSeconds ?? 0,
      reportBatchItemFailures: (m.FunctionResponseTypes as string[] | undefined)?.includes('ReportBatchItemFailures') ?? false,
    }));
    const localSqs = plan.queueSources.map((s) => ({
      functionId: s.functionId,
      queue: s.queue,
      batchSize: s.batchSize,
      maxBatchingWindowSeconds: s.maxBatchingWindowSeconds,
      reportBatchItemFailures: true,
    }));
    expect(deployedSqs).toEqual(expect.arrayContaining(localSqs));
    expect(deployedSqs).toHaveLength(localSqs.length);

    const deployedStreams = streams.map((m) => ({
      functionId: functionOf(m.FunctionName),
      table: tableByLogicalId.get(refOf(m.EventSourceArn)!.id),
      batchSize: m.BatchSize,
      maxBatchingWindowSeconds: m.MaximumBatchingWindowInSeconds ?? 0,
      retryAttempts: m.MaximumRetryAttempts,
      parallelizationFactor: m.ParallelizationFactor ?? 1,
      // What the local stream poller does: TRIM_HORIZON, partial batch responses, bisect on error, a failure queue.
      startingPosition: m.StartingPosition,
      reportBatchItemFailures: (m.FunctionResponseTypes as string[] | undefined)?.includes('ReportBatchItemFailures') ?? false,
      bisect: m.BisectBatchOnFunctionError,
      onFailure: refOf((m.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination)?.id,
    }));
    const localStreams = plan.streamSources.map((s) => ({
      ...s,
      startingPosition: 'TRIM_HORIZON',
      reportBatchItemFailures: true,
      bisect: true,
      onFailure: logicalIdOf(stack.streamDlq),
    }));
    expect(deployedStreams).toEqual(expect.arrayContaining(localStreams));
    expect(deployedStreams).toHaveLength(localStreams.length);
  });

  it('has exactly the local schedules', () => {
    const deployed = ofType('AWS::Events::Rule')
      .filter(([, r]) => r.Properties.ScheduleExpression)
      .flatMap(([, r]) => (r.Properties.Targets as { Arn: unknown }[]).map((t) => `${functionOf(t.Arn)} ${String(r.Properties.ScheduleExpression)}`));
    const local = plan.schedules.map((s) => `${s.functionId} rate(${s.rateMinutes} minute${s.rateMinutes === 1 ? '' : 's'})`);
    expect(deployed.sort()).toEqual(local.sort());
  });

  it('has the tables and queues the local stack creates (keys, indexes, streams, redrive, visibility)', () => {
    for (const [id, spec] of Object.entries(tables) as [TableId, (typeof tables)[TableId]][]) {
      const local = createTableInput('x', spec);
      const deployed = template.Resources[logicalIdOf(stack.tables[id])].Properties;
      expect({ id, keys: deployed.KeySchema, stream: (deployed.StreamSpecification as { StreamViewType?: string } | undefined)?.StreamViewType }).toEqual({
        id,
        keys: local.KeySchema,
        stream: local.StreamSpecification?.StreamViewType,
      });
      const gsis = ((deployed.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[] | undefined) ?? []).map((g) => ({
        IndexName: g.IndexName,
        KeySchema: g.KeySchema,
      }));
      expect(gsis).toEqual((local.GlobalSecondaryIndexes ?? []).map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema })));
    }
    for (const [id, spec] of Object.entries(queues) as [QueueId, (typeof queues)[QueueId]][]) {
      const deployed = template.Resources[logicalIdOf(stack.queues[id])].Properties;
      expect({ id, visibility: deployed.VisibilityTimeout, maxReceiveCount: (deployed.RedrivePolicy as { maxReceiveCount?: number }).maxReceiveCount }).toEqual({
        id,
        visibility: spec.visibilityTimeoutSeconds,
        maxReceiveCount: spec.maxReceiveCount,
      });
    }
  });
});
