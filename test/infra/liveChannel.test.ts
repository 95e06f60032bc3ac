/**
 * The live channel (lib/constructs/liveChannel.ts): the AppSync Events API, its auth (tokens subscribe, IAM publishes),
 * the wiring agreement (namespaces and publishers are those of lib/wiring.ts), the publishers' grants and environment,
 * the API's logs, the outputs, and cdk-nag on all of it.
 */
import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { LIVE_NAMESPACE } from '../../lambda/domain/live.ts';
import type { TriviaStack } from '../../lib/triviaStack.ts';
import { functions as functionSpecs, namespaces, type FunctionId, type FunctionSpec } from '../../lib/wiring.ts';
import { envNames } from '../../lambda/shared/resources.ts';
import { asArray, logicalId, refsIn, statementsOfRole, synthStack, type CfnResourceJson, type Statement } from './synth.ts';

const functionIds = Object.keys(functionSpecs) as FunctionId[];
const publishers = functionIds.filter((id) => ((functionSpecs[id] as FunctionSpec).publishesLive ?? []).length > 0).sort();

let stack: TriviaStack;
let template: Template;
let prodTemplate: Template;

beforeAll(() => {
  ({ stack, template } = synthStack('test'));
  ({ template: prodTemplate } = synthStack('prod'));
}, 120_000);

const apiId = () => logicalId(stack.liveChannel.api);
const resourcesOfType = (t: Template, type: string) => Object.entries(t.findResources(type)) as [string, CfnResourceJson][];
const actionsOf = (s: Statement) => asArray(s.Action);
/** Every IAM policy statement of the stack that allows an appsync: action, with the roles it is attached to. */
function appsyncStatements(t: Template) {
  return resourcesOfType(t, 'AWS::IAM::Policy').flatMap(([, p]) =>
    (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.filter((s) => actionsOf(s).some((a) => a.startsWith('appsync:'))).map((s) => ({
      statement: s,
      roles: refsIn(p.Properties.Roles).map((r) => r.id),
    })),
  );
}
const namespaceArn = (name: string) => ({
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':appsync:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':apis/', { 'Fn::GetAtt': [apiId(), 'ApiId'] }, `/channelNamespace/${name}`],
  ],
});

describe('Event API', () => {
  it('is one AppSync Events API named after the stack', () => {
    template.resourceCountIs('AWS::AppSync::Api', 1);
    template.hasResourceProperties('AWS::AppSync::Api', { Name: 'TriviaLive-test-live' });
  });

  it('knows two auth providers: the REST API’s user pool and client, and IAM; nothing else (no API key)', () => {
    const props = template.toJSON().Resources[apiId()].Properties as { EventConfig: Record<string, unknown> };
    expect(props.EventConfig.AuthProviders).toEqual([
      {
        AuthType: 'AMAZON_COGNITO_USER_POOLS',
        CognitoConfig: {
          UserPoolId: { Ref: logicalId(stack.userPool) },
          AwsRegion: { Ref: 'AWS::Region' },
          AppIdClientRegex: { 'Fn::Join': ['', ['^', { Ref: logicalId(stack.userPoolClient) }, '$']] },
        },
      },
      { AuthType: 'AWS_IAM' },
    ]);
    template.resourceCountIs('AWS::AppSync::ApiKey', 0);
  });

  it('lets tokens and IAM connect; by default only IAM publishes and only tokens subscribe', () => {
    template.hasResourceProperties('AWS::AppSync::Api', {
      EventConfig: Match.objectLike({
        ConnectionAuthModes: [{ AuthType: 'AMAZON_COGNITO_USER_POOLS' }, { AuthType: 'AWS_IAM' }],
        DefaultPublishAuthModes: [{ AuthType: 'AWS_IAM' }],
        DefaultSubscribeAuthModes: [{ AuthType: 'AMAZON_COGNITO_USER_POOLS' }],
      }),
    });
  });
});

describe('namespaces (wiring agreement)', () => {
  const synthesized = () => resourcesOfType(template, 'AWS::AppSync::ChannelNamespace').map(([, r]) => r.Properties);

  it('are exactly the namespaces of the wiring, on this API, and the domain publishes to one of them', () => {
    expect(synthesized().map((p) => p.Name).sort()).toEqual([...namespaces].sort());
    for (const p of synthesized()) expect(p.ApiId).toEqual({ 'Fn::GetAtt': [apiId(), 'ApiId'] });
    expect(namespaces).toContain(LIVE_NAMESPACE);
  });

  it.each(namespaces)('%s: publishes with IAM only, subscribes with the user pool only, no handlers', (name) => {
    const p = synthesized().find((n) => n.Name === name)!;
    expect(p.PublishAuthModes).toEqual([{ AuthType: 'AWS_IAM' }]);
    expect(p.SubscribeAuthModes).toEqual([{ AuthType: 'AMAZON_COGNITO_USER_POOLS' }]);
    expect(p.CodeHandlers).toBeUndefined();
    expect(p.HandlerConfigs ?? {}).toEqual({});
  });
});

describe('publishers (wiring agreement)', () => {
  it('the wiring names publishers: the runner, the stream relay, cancel and the registration counter', () => {
    expect(publishers).toEqual(['cancelEpisode', 'countRegistrations', 'episodeRunner', 'relayLiveEvents']);
  });

  it('grants appsync:EventPublish to exactly the roles of the functions that publishesLive, and to nothing else', () => {
    const granted = appsyncStatements(template).flatMap((s) => s.roles);
    const roleToFunction = new Map(functionIds.map((id) => [logicalId(stack.functions[id].role), id] as const));
    expect(granted.every((r) => roleToFunction.has(r)), `appsync granted to ${granted.join(', ')}`).toBe(true);
    expect([...new Set(granted.map((r) => roleToFunction.get(r)))].sort()).toEqual(publishers);
  });

  it.each(publishers)('%s: EventPublish alone, on its namespaces alone (no EventConnect, EventSubscribe or wildcard)', (id) => {
    const st = statementsOfRole(template, logicalId(stack.functions[id].role)).filter((s) => actionsOf(s).some((a) => a.startsWith('appsync:')));
    expect(st.flatMap(actionsOf)).toEqual(['appsync:EventPublish']);
    const spec = functionSpecs[id] as FunctionSpec;
    expect(st.flatMap((s) => asArray(s.Resource))).toEqual((spec.publishesLive ?? []).map(namespaceArn));
  });

  it('gives every publisher the HTTP endpoint (https://<Dns.Http>/event) and no other function any', () => {
    const endpoint = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [apiId(), 'Dns.Http'] }, '/event']] };
    for (const id of functionIds) {
      const vars = (template.toJSON().Resources[logicalId(stack.functions[id].fn)].Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      if (publishers.includes(id)) expect(vars[envNames.eventApi], id).toEqual(endpoint);
      else expect(vars[envNames.eventApi], id).toBeUndefined();
    }
    expect(envNames.eventApi).toBe('EVENT_API_HTTP_ENDPOINT');
  });
});

describe('logs', () => {
  const loggingRoleId = () => logicalId(stack.liveChannel.loggingRole);

  it('logs errors only, through its own role', () => {
    template.hasResourceProperties('AWS::AppSync::Api', {
      EventConfig: Match.objectLike({ LogConfig: { CloudWatchLogsRoleArn: { 'Fn::GetAtt': [loggingRoleId(), 'Arn'] }, LogLevel: 'ERROR' } }),
    });
  });

  it('writes to /aws/appsync/apis/<apiId>, a log group of the stack: 30 days and deleted with a dev stage, a year and retained in prod', () => {
    const group = template.toJSON().Resources[logicalId(stack.liveChannel.logGroup)] as CfnResourceJson;
    expect(group.Properties.LogGroupName).toEqual({ 'Fn::Join': ['', ['/aws/appsync/apis/', { 'Fn::GetAtt': [apiId(), 'ApiId'] }]] });
    expect(group.Properties.RetentionInDays).toBe(30);
    expect(group.DeletionPolicy).toBe('Delete');
    const prodGroup = resourcesOfType(prodTemplate, 'AWS::Logs::LogGroup').find(([, g]) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('/aws/appsync/apis/'));
    expect(prodGroup?.[1]).toMatchObject({ Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Retain' });
    // No LogRetention custom resource (a helper function with a managed policy), which the L2's logConfig would add.
    expect(Object.keys(template.findResources('Custom::LogRetention'))).toEqual([]);
  });

  it('lets only AppSync assume the logging role, which may only write to that log group (no managed policy)', () => {
    const role = template.toJSON().Resources[loggingRoleId()] as CfnResourceJson;
    expect(role.Properties.AssumeRolePolicyDocument).toEqual({
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'appsync.amazonaws.com' } }],
      Version: '2012-10-17',
    });
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = statementsOfRole(template, loggingRoleId());
    expect(statements.flatMap(actionsOf).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(statements.flatMap((s) => refsIn(s.Resource))).toEqual([{ id: logicalId(stack.liveChannel.logGroup), attribute: 'Arn' }]);
  });
});

describe('outputs', () => {
  it('exports EventApiHttpEndpoint (https://…/event) and EventApiRealtimeEndpoint (wss://…/event/realtime)', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.EventApiHttpEndpoint.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [apiId(), 'Dns.Http'] }, '/event']] });
    expect(outputs.EventApiRealtimeEndpoint.Value).toEqual({ 'Fn::Join': ['', ['wss://', { 'Fn::GetAtt': [apiId(), 'Dns.Realtime'] }, '/event/realtime']] });
  });
});

describe('cdk-nag', () => {
  it('finds nothing on the live channel, and nothing there is acknowledged', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack.liveChannel);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    const acknowledged = stack.liveChannel.node.findAll().filter((c) => c.node.metadata.some((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY));
    expect(acknowledged.map((c) => c.node.path)).toEqual([]);
  });
});
