/**
 * Infrastructure tests: the synthesized TriviaStack matches the one definition of the wiring (lib/wiring.ts) —
 * tables, queues, routes, event sources, schedules, grants and environment — and the operational defaults.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { functions as functionSpecs, httpRoutes, resourcesOf, tables as tableSpecs, topics as topicIds, type FunctionId, type FunctionSpec, type Trigger } from '../../lib/wiring.ts';
import { deadLetterQueueIds, envNames, queues as queueSpecs, type QueueId, type TableId } from '../../lambda/shared/resources.ts';
import { asArray, logicalId, refsIn, statementsOfRole, synthTestAndProd, type CfnResourceJson, type Statement } from './synth.ts';
import { ORIGIN_SECRET_ENV } from '../../lambda/domain/originSecret.ts';

const functionIds = Object.keys(functionSpecs) as FunctionId[];
const tableIds = Object.keys(tableSpecs) as TableId[];
const queueIds = Object.keys(queueSpecs) as QueueId[];
const specOf = (id: FunctionId): FunctionSpec => functionSpecs[id];
const triggersOf = (id: FunctionId) => specOf(id).triggers as Trigger[];
const sorted = <T>(xs: Iterable<T>) => [...new Set(xs)].sort();

// The prod stage with throttling overridden from context (as `-c name=value` gives strings).
const { stack, template, prodStack, prodTemplate } = synthTestAndProd({ throttleRateLimit: '200', throttleBurstLimit: 100 });

function resource(t: Template, id: string): CfnResourceJson {
  const r = t.toJSON().Resources[id] as CfnResourceJson | undefined;
  if (!r) throw new Error(`no resource ${id}`);
  return r;
}

describe('DynamoDB tables', () => {
  it('has exactly one table per table of the wiring', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', tableIds.length);
    expect(sorted(Object.keys(stack.tables))).toEqual(sorted(tableIds));
  });

  it.each(tableIds)('%s: on demand, point-in-time recovery, encrypted, keys and TTL from the spec', (tableId) => {
    const spec = tableSpecs[tableId];
    const props = resource(template, logicalId(stack.tables[tableId])).Properties;
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.SSESpecification).toMatchObject({ SSEEnabled: true });
    expect(props.TableName).toBeUndefined(); // named by CloudFormation, so several stages fit in one account
    const keySchema = [{ AttributeName: spec.partitionKey.name, KeyType: 'HASH' }];
    if (spec.sortKey) keySchema.push({ AttributeName: spec.sortKey.name, KeyType: 'RANGE' });
    expect(props.KeySchema).toEqual(keySchema);
    if (spec.timeToLiveAttribute) {
      expect(props.TimeToLiveSpecification).toEqual({ AttributeName: spec.timeToLiveAttribute, Enabled: true });
    } else {
      expect(props.TimeToLiveSpecification).toBeUndefined();
    }
    const gsis = (props.GlobalSecondaryIndexes as { IndexName: string }[] | undefined) ?? [];
    expect(gsis.map((g) => g.IndexName)).toEqual((spec.globalSecondaryIndexes ?? []).map((g) => g.indexName));
  });

  it('enables streams exactly on the tables whose spec has one, with the spec view type', () => {
    for (const tableId of tableIds) {
      const props = resource(template, logicalId(stack.tables[tableId])).Properties;
      const stream = tableSpecs[tableId].stream;
      if (stream) expect(props.StreamSpecification, tableId).toEqual({ StreamViewType: stream });
      else expect(props.StreamSpecification, tableId).toBeUndefined();
    }
  });

  it('deletes tables with a dev stage and retains them (with deletion protection) in prod', () => {
    for (const tableId of tableIds) {
      expect(resource(template, logicalId(stack.tables[tableId])).DeletionPolicy).toBe('Delete');
      const prod = resource(prodTemplate, logicalId(prodStack.tables[tableId]));
      expect(prod.DeletionPolicy).toBe('Retain');
      expect(prod.Properties.DeletionProtectionEnabled).toBe(true);
    }
  });
});

describe('SQS queues and SNS topics', () => {
  it.each(queueIds)('%s: redrive to its own DLQ after the spec maxReceiveCount, spec timeouts, SSE', (queueId) => {
    const spec = queueSpecs[queueId];
    const props = resource(template, logicalId(stack.queues[queueId])).Properties;
    expect(props.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.dlqs[queueId]), 'Arn'] },
      maxReceiveCount: spec.maxReceiveCount,
    });
    expect(props.VisibilityTimeout).toBe(spec.visibilityTimeoutSeconds);
    expect(props.MessageRetentionPeriod).toBe(spec.retentionDays * 86_400);
  });

  it('has one DLQ per queue plus one for stream failures, all keeping messages 14 days', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2 * queueIds.length + 1);
    for (const dlq of [...Object.values(stack.dlqs), stack.streamDlq]) {
      expect(resource(template, logicalId(dlq)).Properties.MessageRetentionPeriod).toBe(14 * 86_400);
    }
  });

  it('encrypts every queue (the player-data key for the answers queue and its DLQ, else SQS-managed) and denies every request without TLS', () => {
    const queues = template.findResources('AWS::SQS::Queue');
    const withPlayerData = new Set([logicalId(stack.queues.answers), logicalId(stack.dlqs.answers)]);
    for (const [id, q] of Object.entries(queues) as [string, CfnResourceJson][]) {
      if (withPlayerData.has(id)) expect(q.Properties.KmsMasterKeyId, id).toEqual({ 'Fn::GetAtt': [logicalId(stack.playerDataKey.key), 'Arn'] });
      else expect(q.Properties.SqsManagedSseEnabled, id).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: Match.arrayWith([{ Ref: id }]),
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('has the notifications topic, encrypted with the AWS managed key, TLS only', () => {
    template.resourceCountIs('AWS::SNS::Topic', topicIds.length + 1); // and the alarm topic (test/infra/monitoring.test.ts)
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const topicId = logicalId(stack.notificationsTopic);
    expect(JSON.stringify(resource(template, topicId).Properties.KmsMasterKeyId)).toContain('alias/aws/sns');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });
});

describe('Cognito', () => {
  it('signs in with email, allows self sign-up and has a strong password policy', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 8,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
    });
  });

  it('has a public client (no secret) with USER_PASSWORD_AUTH and SRP', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
    });
  });

  it('has the admin group', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: 'admin',
      UserPoolId: { Ref: logicalId(stack.userPool) },
    });
  });

  it('has the canary group beside it, for the canary user (not an admin: lambda/domain/canaryScope.ts)', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: 'canary',
      UserPoolId: { Ref: logicalId(stack.userPool) },
    });
    expect(Object.keys(template.findResources('AWS::Cognito::UserPoolGroup'))).toHaveLength(2);
  });
});

describe('HTTP API', () => {
  const routes = httpRoutes();

  function jwtAuthorizerId(): string {
    const authorizers = template.findResources('AWS::ApiGatewayV2::Authorizer');
    const ids = Object.keys(authorizers);
    expect(ids).toHaveLength(1);
    return ids[0];
  }

  it('has a Cognito JWT authorizer: issuer is the user pool, audience the client', () => {
    const props = resource(template, jwtAuthorizerId()).Properties;
    expect(props.AuthorizerType).toBe('JWT');
    expect(props.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(props.JwtConfiguration).toEqual({
      Audience: [{ Ref: logicalId(stack.userPoolClient) }],
      Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: logicalId(stack.userPool) }]] },
    });
  });

  it('has exactly the routes of the wiring', () => {
    const routeKeys = (Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as CfnResourceJson[]).map(
      (r) => r.Properties.RouteKey as string,
    );
    expect(sorted(routeKeys)).toEqual(sorted(routes.map((r) => `${r.method} ${r.path}`)));
  });

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: right function, JWT unless public', (routeKey, r) => {
    const found = template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } });
    const [route] = Object.values(found) as CfnResourceJson[];
    expect(route, routeKey).toBeDefined();
    if (r.auth === 'public') {
      expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
      expect(route.Properties.AuthorizerId).toBeUndefined();
    } else {
      expect(route.Properties.AuthorizationType).toBe('JWT');
      expect(route.Properties.AuthorizerId).toEqual({ Ref: jwtAuthorizerId() });
    }
    // The route's integration invokes the function of the wiring.
    const integrationId = refsIn(route.Properties.Target)[0].id;
    const integration = resource(template, integrationId).Properties;
    expect(integration.IntegrationType).toBe('AWS_PROXY');
    // Through the function's live alias, which CodeDeploy moves (lib/constructs/deployments.ts).
    expect(integration.IntegrationUri).toEqual({ Ref: logicalId(stack.functions[r.functionId].alias) });
  });

  it('allows CORS from any origin for GET, POST, PUT and DELETE with Authorization and Content-Type', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowMethods: Match.arrayWith(['GET', 'POST', 'PUT', 'DELETE']),
        AllowHeaders: Match.arrayWith(['Authorization', 'Content-Type']),
      },
    });
  });

  it('has one $default stage, auto-deployed, access-logged, throttled 10000/5000 by default', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 10_000, ThrottlingBurstLimit: 5_000 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(stack.api.accessLogGroup), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
  });

  it('takes throttling from context (throttleRateLimit, throttleBurstLimit)', () => {
    prodTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 100 },
    });
  });
});

describe('event sources and schedules', () => {
  const mappings = () => Object.values(template.findResources('AWS::Lambda::EventSourceMapping')) as CfnResourceJson[];
  const mappingsOf = (functionId: FunctionId) =>
    mappings().filter((m) => refsIn(m.Properties.FunctionName).some((r) => r.id === logicalId(stack.functions[functionId].alias)));

  const streamTriggers = functionIds.flatMap((id) =>
    triggersOf(id).flatMap((t) => (t.kind === 'stream' ? [[`${id} <- ${t.table} stream`, id, t] as const] : [])),
  );
  const queueTriggers = functionIds.flatMap((id) =>
    triggersOf(id).flatMap((t) => (t.kind === 'queue' ? [[`${id} <- ${t.queue} queue`, id, t] as const] : [])),
  );
  const scheduleTriggers = functionIds.flatMap((id) =>
    triggersOf(id).flatMap((t) => (t.kind === 'schedule' ? [[`${id} every ${t.rateMinutes} min`, id, t] as const] : [])),
  );

  it('has exactly one event source mapping per stream and queue trigger', () => {
    expect(mappings()).toHaveLength(streamTriggers.length + queueTriggers.length);
  });

  it.each(streamTriggers)('%s: bisect, partial failures, on-failure DLQ, spec batching and retries', (_name, functionId, t) => {
    const [m] = mappingsOf(functionId).filter((x) =>
      refsIn(x.Properties.EventSourceArn).some((r) => r.id === logicalId(stack.tables[t.table]) && r.attribute === 'StreamArn'),
    );
    expect(m).toBeDefined();
    expect(m.Properties).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: t.batchSize,
      MaximumBatchingWindowInSeconds: t.maxBatchingWindowSeconds,
      MaximumRetryAttempts: t.retryAttempts,
      ParallelizationFactor: t.parallelizationFactor,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack.streamDlq), 'Arn'] } } },
    });
  });

  it.each(queueTriggers)('%s: partial failures, spec batch size and window', (_name, functionId, t) => {
    const [m] = mappingsOf(functionId).filter((x) =>
      refsIn(x.Properties.EventSourceArn).some((r) => r.id === logicalId(stack.queues[t.queue])),
    );
    expect(m).toBeDefined();
    expect(m.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(m.Properties.BatchSize).toBe(t.batchSize);
    expect(m.Properties.MaximumBatchingWindowInSeconds).toBe(t.maxBatchingWindowSeconds > 0 ? t.maxBatchingWindowSeconds : undefined);
    if (t.maxConcurrency) expect(m.Properties.ScalingConfig).toEqual({ MaximumConcurrency: t.maxConcurrency });
    // Lambda needs the queue's visibility timeout to cover the function's timeout.
    expect(queueSpecs[t.queue].visibilityTimeoutSeconds).toBeGreaterThanOrEqual(specOf(functionId).timeoutSeconds);
  });

  it('runs the episode runner every minute from an EventBridge rule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { Ref: logicalId(stack.functions.episodeRunner.alias) } })],
    });
  });

  it.each(scheduleTriggers)('%s: a rule with the spec rate, allowed to invoke', (_name, functionId, t) => {
    const aliasId = logicalId(stack.functions[functionId].alias);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${t.rateMinutes} ${t.rateMinutes === 1 ? 'minute' : 'minutes'})`,
      Targets: [Match.objectLike({ Arn: { Ref: aliasId } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { Ref: aliasId },
    });
  });
});

describe('Lambda functions', () => {
  const fnProps = (id: FunctionId) => resource(template, logicalId(stack.functions[id].fn)).Properties;

  // Besides them, CDK's BucketDeployment handler (lib/constructs/webApps.ts: Python, the AWS CLI) copies the web apps at deploy.
  const ownFunctions = () =>
    (Object.entries(template.findResources('AWS::Lambda::Function')) as [string, CfnResourceJson][]).filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'));

  it("has exactly the functions of the wiring (no helper functions), the two of edge protection and the web apps' deployment handler", () => {
    // The origin secret's rotation and the admin MFA trigger (docs/SECURITY.md) serve no route, queue or stream.
    template.resourceCountIs('AWS::Lambda::Function', functionIds.length + 3);
    expect(ownFunctions()).toHaveLength(functionIds.length + 2);
    expect([stack.originSecret.rotation.fn, stack.adminMfa.trigger.fn].map((f) => template.toJSON().Resources[logicalId(f)].Type)).toEqual([
      'AWS::Lambda::Function',
      'AWS::Lambda::Function',
    ]);
    expect(sorted(Object.keys(stack.functions))).toEqual(sorted(functionIds));
  });

  it('runs every function on nodejs22.x, arm64, with active tracing', () => {
    for (const [, f] of ownFunctions()) {
      expect(f.Properties.Runtime).toBe('nodejs22.x');
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(f.Properties.Handler).toBe('index.handler');
    }
  });

  it.each(functionIds)('%s: memory, timeout, own log group and environment from the spec', (functionId) => {
    const spec = specOf(functionId);
    const props = fnProps(functionId);
    expect(props.MemorySize).toBe(spec.memorySize);
    expect(props.Timeout).toBe(spec.timeoutSeconds);
    expect(props.LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(stack.functions[functionId].logGroup) } });

    const vars = (props.Environment as { Variables: Record<string, unknown> }).Variables;
    const resources = resourcesOf(spec);
    const consumed = triggersOf(functionId).flatMap((t) => (t.kind === 'queue' ? [t.queue] : []));
    const expected: Record<string, unknown> = {
      POWERTOOLS_SERVICE_NAME: 'trivia-live',
      POWERTOOLS_METRICS_NAMESPACE: 'TriviaLive',
      STAGE: 'test',
      APP_VERSION: expect.stringMatching(/^\d+\.\d+\.\d+/),
      NODE_OPTIONS: '--enable-source-maps',
    };
    for (const t of resources.tables) expected[envNames.table(t)] = { Ref: logicalId(stack.tables[t]) };
    for (const q of new Set([...resources.queues, ...consumed])) expected[envNames.queue(q)] = { Ref: logicalId(stack.queues[q]) };
    for (const t of resources.topics) expected[envNames.topic(t)] = { Ref: logicalId(stack.topics[t]) };
    for (const b of resources.buckets) expected[envNames.bucket(b)] = { Ref: logicalId(stack.media.bucket) };
    for (const b of resources.buses) expected[envNames.bus(b)] = { Ref: logicalId(stack.analytics.bus) };
    for (const s of spec.settings ?? []) expected[envNames.setting(s)] = stack.resolve(stack.settings[s]);
    if (triggersOf(functionId).some((t) => t.kind === 'http')) expected[ORIGIN_SECRET_ENV] = { Ref: logicalId(stack.originSecret.secret) };
    for (const q of spec.deadLetters ? deadLetterQueueIds() : []) {
      expected[envNames.deadLetterQueue(q)] = { Ref: logicalId(q === 'streams' ? stack.streamDlq : stack.dlqs[q]) };
    }
    if ((spec.publishesLive ?? []).length > 0) expected[envNames.eventApi] = stack.resolve(stack.liveChannel.httpEndpoint);
    if ((spec as FunctionSpec).userPool) expected[envNames.userPool] = { Ref: logicalId(stack.userPool) };
    expect(vars).toEqual(expected);
  });

  it('signs page cursors with a generated Secrets Manager value that CloudFormation resolves at deploy (never in the template)', () => {
    const secret = resource(template, logicalId(stack.cursorKey)).Properties;
    expect(secret.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    const key = JSON.stringify((fnProps('listQuestions').Environment as { Variables: Record<string, unknown> }).Variables.CURSOR_KEY);
    expect(key).toContain('{{resolve:secretsmanager:');
    expect(key).toContain(`{"Ref":"${logicalId(stack.cursorKey)}"}`);
  });

  it('keeps logs 30 days (a year in prod), and deletes them with a dev stage', () => {
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup')) as CfnResourceJson[];
    // One per function (and the two of edge protection), the API access log, the events archive's delivery errors,
    // the live channel's errors.
    expect(groups.length).toBe(functionIds.length + 2 + 3);
    for (const g of groups) {
      expect(g.Properties.RetentionInDays).toBe(30);
      expect(g.DeletionPolicy).toBe('Delete');
    }
    for (const g of Object.values(prodTemplate.findResources('AWS::Logs::LogGroup')) as CfnResourceJson[]) {
      expect(g.Properties.RetentionInDays).toBe(365);
      expect(g.DeletionPolicy).toBe('Retain');
    }
  });
});

describe('IAM: least privilege', () => {
  const DDB_READ = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:BatchGetItem'];
  const DDB_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

  const statementsOf = (functionId: FunctionId) => statementsOfRole(template, logicalId(stack.functions[functionId].role));
  const actionsOf = (s: Statement) => asArray(s.Action);

  /** Logical ids of the resources that statements with any of `actions` cover (with the GetAtt attribute). */
  function targets(statements: Statement[], actions: string[]) {
    return statements.filter((s) => s.Effect === 'Allow' && actionsOf(s).some((a) => actions.includes(a))).flatMap((s) => refsIn(s.Resource));
  }
  const idsOf = <K extends string>(record: Record<K, Parameters<typeof logicalId>[0]>) =>
    new Map((Object.keys(record) as K[]).map((k) => [logicalId(record[k]), k] as const));

  function touched<K extends string>(statements: Statement[], actions: string[], record: Record<K, Parameters<typeof logicalId>[0]>, attribute?: string) {
    const byId = idsOf(record);
    return sorted(
      targets(statements, actions)
        .filter((r) => byId.has(r.id) && (attribute === undefined || r.attribute === attribute))
        .map((r) => byId.get(r.id) as K),
    );
  }

  it('never grants Action "*" (or service:*), nor Resource "*" on DynamoDB, SQS or SNS actions', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as CfnResourceJson[];
    expect(policies.length).toBeGreaterThan(0);
    for (const p of policies) {
      for (const s of (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
        for (const a of actionsOf(s)) expect(a).not.toMatch(/(^|:)\*$/);
        const scoped = actionsOf(s).filter((a) => /^(dynamodb|sqs|sns):/.test(a) && a !== 'dynamodb:ListStreams');
        // dynamodb:ListStreams supports no resource-level permissions: the stream event source needs it on "*".
        if (scoped.length > 0) expect(asArray(s.Resource), scoped.join(',')).not.toContain('*');
      }
    }
  });

  it('attaches no managed policies to function roles (each may write only its own log group)', () => {
    for (const functionId of functionIds) {
      const role = resource(template, logicalId(stack.functions[functionId].role)).Properties;
      expect(role.ManagedPolicyArns, functionId).toBeUndefined();
      const logStatements = statementsOf(functionId).filter((s) => actionsOf(s).some((a) => a.startsWith('logs:')));
      expect(logStatements.flatMap((s) => refsIn(s.Resource))).toEqual([
        { id: logicalId(stack.functions[functionId].logGroup), attribute: 'Arn' },
      ]);
    }
  });

  it.each(functionIds)('%s: DynamoDB, SQS and SNS permissions are exactly those of the spec', (functionId) => {
    const spec = specOf(functionId);
    const st = statementsOf(functionId);
    const triggers = triggersOf(functionId);
    expect(touched(st, DDB_WRITE, stack.tables, 'Arn'), 'tables written').toEqual(sorted([...(spec.writes ?? []), ...(spec.readWrites ?? [])]));
    expect(touched(st, DDB_READ, stack.tables, 'Arn'), 'tables read').toEqual(sorted([...(spec.reads ?? []), ...(spec.readWrites ?? [])]));
    expect(touched(st, ['dynamodb:GetRecords'], stack.tables, 'StreamArn'), 'streams read').toEqual(
      sorted(triggers.flatMap((t) => (t.kind === 'stream' ? [t.table] : []))),
    );
    expect(touched(st, ['sqs:SendMessage'], stack.queues), 'queues sent to').toEqual(sorted(spec.sends ?? []));
    expect(touched(st, ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], stack.queues), 'queues consumed').toEqual(
      sorted(triggers.flatMap((t) => (t.kind === 'queue' ? [t.queue] : []))),
    );
    expect(touched(st, ['sqs:SendMessage'], stack.dlqs), 'dead-letter queues').toEqual([]);
    expect(touched(st, ['sns:Publish'], stack.topics), 'topics').toEqual(sorted(spec.publishes ?? []));
    // Only stream consumers may send to the stream-failure DLQ (their on-failure destination).
    const streamDlqSends = targets(st, ['sqs:SendMessage']).filter((r) => r.id === logicalId(stack.streamDlq));
    expect(streamDlqSends.length > 0).toBe(triggers.some((t) => t.kind === 'stream'));
  });

  it('submitResponse may send to the answers queue, and may not write the responses table', () => {
    const st = statementsOf('submitResponse');
    expect(touched(st, ['sqs:SendMessage'], stack.queues)).toEqual(['answers']);
    expect(touched(st, DDB_WRITE, stack.tables)).toEqual(['errors']); // only the records of what it rejects
    expect(touched(st, DDB_READ, stack.tables)).toContain('responses');
  });

  it('health has no DynamoDB, SQS or SNS permissions at all', () => {
    const actions = statementsOf('health').flatMap(actionsOf);
    expect(actions.filter((a) => /^(dynamodb|sqs|sns):/.test(a))).toEqual([]);
  });
});

describe('outputs and tags', () => {
  it('exports ApiUrl, UserPoolId, UserPoolClientId, CognitoEndpoint and NotificationsTopicArn', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    // Through CloudFront: the execute-api endpoint refuses direct calls (the origin secret).
    expect(outputs.ApiUrl.Value).toEqual(stack.resolve(stack.cdn.url));
    expect(outputs.UserPoolId.Value).toEqual({ Ref: logicalId(stack.userPool) });
    expect(outputs.UserPoolClientId.Value).toEqual({ Ref: logicalId(stack.userPoolClient) });
    expect(outputs.CognitoEndpoint.Value).toEqual({ 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com']] });
    expect(outputs.NotificationsTopicArn.Value).toEqual({ Ref: logicalId(stack.notificationsTopic) });
  });

  it('tags resources with project and stage', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      Tags: Match.arrayWith([
        { Key: 'project', Value: 'trivia-live' },
        { Key: 'stage', Value: 'test' },
      ]),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: 'project', Value: 'trivia-live' }]),
    });
  });
});
