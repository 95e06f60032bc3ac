/**
 * Edge and API protection (docs/SECURITY.md): the CLOUDFRONT web ACL in its us-east-1 companion stack and its
 * cross-region hand-over, the user pool's REGIONAL web ACL, the origin secret (header, reads, rotation), per-route
 * throttles, reserved concurrency, the admin MFA gate, and Cognito's context flags. cdk-nag clean on both stacks.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN_SECRET_ENV, ORIGIN_SECRET_HEADER } from '../../lambda/domain/originSecret.ts';
import { EDGE_REGION, type EdgeStack } from '../../lib/edgeStack.ts';
import { ORIGIN_SECRET_ROTATION_DAYS } from '../../lib/constructs/originSecret.ts';
import { ADMIN_ROUTE_THROTTLE, ANSWER_ROUTE_KEY, PLAYER_ROUTE_SHARES, RESERVED_CONCURRENCY, WAF_RATE_LIMITS, WAF_RATE_WINDOW_SECONDS } from '../../lib/sizing.ts';
import { addStageStacks } from '../../lib/stageStacks.ts';
import type { TriviaStack } from '../../lib/triviaStack.ts';
import { httpRoutes } from '../../lib/wiring.ts';
import { asArray, logicalId, refsIn, statementsOfRole, synthStack, WEB_DIST_FIXTURE, type CfnResourceJson } from './synth.ts';

const ENV = { account: '123456789012', region: 'eu-west-1' };

let main: TriviaStack;
let mainTemplate: Template;
let edge: EdgeStack;
let edgeTemplate: Template;
let testStack: TriviaStack;
let testTemplate: Template;
let prodTemplate: Template;
let prodStack: TriviaStack;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], webDistDir: WEB_DIST_FIXTURE, threatProtection: 'true', sesFromEmail: 'shows@example.com' } });
  const stacks = addStageStacks(app, 'test', ENV);
  main = stacks.main;
  edge = stacks.edge!;
  mainTemplate = Template.fromStack(main);
  edgeTemplate = Template.fromStack(edge);
  ({ stack: testStack, template: testTemplate } = synthStack('test'));
  ({ stack: prodStack, template: prodTemplate } = synthStack('prod'));
}, 180_000);

interface WafRule {
  Name: string;
  Priority: number;
  Statement: Record<string, unknown>;
  Action?: { Block?: { CustomResponse?: { ResponseCode: number; CustomResponseBodyKey: string } } };
  OverrideAction?: unknown;
}
const webAcls = (t: Template) => Object.values(t.findResources('AWS::WAFv2::WebACL')) as CfnResourceJson[];
const rulesOf = (acl: CfnResourceJson) => acl.Properties.Rules as WafRule[];
const managedGroups = (acl: CfnResourceJson) =>
  rulesOf(acl).flatMap((r) => {
    const m = r.Statement.ManagedRuleGroupStatement as { VendorName: string; Name: string } | undefined;
    return m ? [`${m.VendorName}/${m.Name}`] : [];
  });
const rateRule = (acl: CfnResourceJson, name: string) => {
  const rule = rulesOf(acl).find((r) => r.Name === name);
  if (!rule) throw new Error(`no rule ${name}`);
  return { rule, rate: rule.Statement.RateBasedStatement as { Limit: number; AggregateKeyType: string; EvaluationWindowSec: number; ScopeDownStatement?: Record<string, unknown> } };
};

describe('the CLOUDFRONT web ACL (companion stack in us-east-1)', () => {
  it('lives in us-east-1, and the distribution in the stage’s Region uses it through a cross-region reference', () => {
    expect(edge.region).toBe(EDGE_REGION);
    expect(main.region).toBe(ENV.region);
    const [acl] = webAcls(edgeTemplate);
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    const dist = Object.values(mainTemplate.findResources('AWS::CloudFront::Distribution'))[0] as CfnResourceJson;
    const webAclId = (dist.Properties.DistributionConfig as { WebACLId: unknown }).WebACLId;
    const [reader] = refsIn(webAclId);
    expect(mainTemplate.toJSON().Resources[reader.id].Type).toBe('Custom::CrossRegionExportReader');
    expect(reader.attribute).toContain(logicalId(edge.cdnWebAcl.webAcl));
  });

  it('has the managed rule groups (IP reputation, common, known bad inputs) and the per-IP rate rules of lib/sizing.ts', () => {
    const [acl] = webAcls(edgeTemplate);
    expect(managedGroups(acl).sort()).toEqual(
      ['AWS/AWSManagedRulesAmazonIpReputationList', 'AWS/AWSManagedRulesCommonRuleSet', 'AWS/AWSManagedRulesKnownBadInputsRuleSet'].sort(),
    );
    const answers = rateRule(acl, 'AnswersPerIp');
    expect(answers.rate).toMatchObject({ Limit: WAF_RATE_LIMITS.answers, AggregateKeyType: 'IP', EvaluationWindowSec: WAF_RATE_WINDOW_SECONDS });
    const scope = JSON.stringify(answers.rate.ScopeDownStatement);
    expect(scope).toContain('"SearchString":"POST"');
    expect(scope).toContain('"SearchString":"/api/v1/response"');
    const rest = rateRule(acl, 'ApiPerIp');
    expect(rest.rate.Limit).toBe(WAF_RATE_LIMITS.api);
    expect(rest.rate.ScopeDownStatement).toEqual({ NotStatement: { Statement: answers.rate.ScopeDownStatement } });
    // Rate rules come before the managed groups' own blocks, after the reputation list.
    expect(rulesOf(acl).map((r) => r.Name)).toEqual([
      'AWS-AWSManagedRulesAmazonIpReputationList',
      'AnswersPerIp',
      'ApiPerIp',
      'AWS-AWSManagedRulesCommonRuleSet',
      'AWS-AWSManagedRulesKnownBadInputsRuleSet',
    ]);
  });

  it('answers a rate-limited request with 429 in the contract’s error shape', () => {
    const [acl] = webAcls(edgeTemplate);
    expect(rateRule(acl, 'AnswersPerIp').rule.Action?.Block?.CustomResponse).toMatchObject({ ResponseCode: 429, CustomResponseBodyKey: 'throttled' });
    const bodies = acl.Properties.CustomResponseBodies as Record<string, { ContentType: string; Content: string }>;
    expect(bodies.throttled.ContentType).toBe('APPLICATION_JSON');
    expect(JSON.parse(bodies.throttled.Content)).toEqual({ error: { code: 'throttled', message: expect.any(String) } });
  });

  it('lets the API’s own 16 KiB body limit apply (the common rule set’s 8 KB body rule only counts)', () => {
    const [acl] = webAcls(edgeTemplate);
    const common = rulesOf(acl).find((r) => r.Name === 'AWS-AWSManagedRulesCommonRuleSet')!;
    expect((common.Statement.ManagedRuleGroupStatement as { RuleActionOverrides: unknown }).RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
  });
});

describe('the REGIONAL web ACL on the user pool (sign-in is not behind CloudFront)', () => {
  it('is associated with the user pool and limits sign-in calls per IP', () => {
    const [acl] = webAcls(testTemplate);
    expect(acl.Properties.Scope).toBe('REGIONAL');
    expect(rateRule(acl, 'SignInPerIp').rate).toMatchObject({ Limit: WAF_RATE_LIMITS.signIn, AggregateKeyType: 'IP' });
    expect(managedGroups(acl)).toContain('AWS/AWSManagedRulesAmazonIpReputationList');
    testTemplate.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { 'Fn::GetAtt': [logicalId(testStack.userPool), 'Arn'] },
      WebACLArn: { 'Fn::GetAtt': [logicalId(testStack.userPoolWebAcl.webAcl), 'Arn'] },
    });
  });
});

describe('only CloudFront may reach the API (origin secret)', () => {
  it('CloudFront sends the secret to the API origin as a dynamic reference (never the value), and not to the media bucket', () => {
    const dist = Object.values(testTemplate.findResources('AWS::CloudFront::Distribution'))[0] as CfnResourceJson;
    const origins = (dist.Properties.DistributionConfig as { Origins: { Id: string; OriginCustomHeaders?: { HeaderName: string; HeaderValue: unknown }[]; S3OriginConfig?: unknown }[] }).Origins;
    const api = origins.filter((o) => !o.S3OriginConfig && o.OriginCustomHeaders);
    expect(api).toHaveLength(1);
    expect(api[0].OriginCustomHeaders).toEqual([
      { HeaderName: ORIGIN_SECRET_HEADER, HeaderValue: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalId(testStack.originSecret.secret) }, ':SecretString:::}}']] } },
    ]);
    expect(origins.filter((o) => o.S3OriginConfig || !o.OriginCustomHeaders).every((o) => o.OriginCustomHeaders === undefined)).toBe(true);
  });

  it('every function with a route gets the secret’s ARN and may read it; no other function may', () => {
    const secretId = logicalId(testStack.originSecret.secret);
    const routed = new Set(httpRoutes().map((r) => r.functionId));
    for (const fn of Object.values(testStack.functions)) {
      const fnJson = testTemplate.toJSON().Resources[logicalId(fn.fn)] as CfnResourceJson;
      const env = (fnJson.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const reads = statementsOfRole(testTemplate, logicalId(fn.role)).some(
        (s) => asArray(s.Action).includes('secretsmanager:GetSecretValue') && refsIn(s.Resource).some((r) => r.id === secretId),
      );
      expect({ fn: fn.functionId, env: env[ORIGIN_SECRET_ENV] !== undefined, reads }).toEqual({ fn: fn.functionId, env: routed.has(fn.functionId), reads: routed.has(fn.functionId) });
    }
  });

  it('rotates the secret every 30 days with the rotation function, which may change this distribution only', () => {
    testTemplate.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: logicalId(testStack.originSecret.secret) },
      RotationLambdaARN: { 'Fn::GetAtt': [logicalId(testStack.originSecret.rotation.fn), 'Arn'] },
      RotationRules: { ScheduleExpression: `rate(${ORIGIN_SECRET_ROTATION_DAYS} days)` },
    });
    const cloudfront = statementsOfRole(testTemplate, logicalId(testStack.originSecret.rotation.role)).filter((s) =>
      asArray(s.Action).some((a) => a.startsWith('cloudfront:')),
    );
    expect(cloudfront).toHaveLength(1);
    expect(asArray(cloudfront[0].Action).sort()).toEqual(['cloudfront:GetDistributionConfig', 'cloudfront:UpdateDistribution']);
    expect(refsIn(cloudfront[0].Resource)).toEqual([{ id: logicalId(testStack.cdn.distribution) }]);
  });
});

describe('per-route throttles and reserved concurrency (lib/sizing.ts)', () => {
  const routeSettings = (t: Template) => {
    const stage = Object.values(t.findResources('AWS::ApiGatewayV2::Stage'))[0] as CfnResourceJson;
    return {
      defaults: stage.Properties.DefaultRouteSettings as { ThrottlingRateLimit: number },
      routes: stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>,
    };
  };

  it('caps every route but the answers, so that answers keep about half the stage rate whatever else floods', () => {
    const { defaults, routes } = routeSettings(testTemplate);
    const all = httpRoutes().map((r) => ({ key: `${r.method} ${r.path}`, auth: r.auth }));
    expect(routes[ANSWER_ROUTE_KEY]).toBeUndefined();
    for (const { key, auth } of all) {
      if (key === ANSWER_ROUTE_KEY) continue;
      expect(routes[key], key).toBeDefined();
      if (auth === 'admin') expect(routes[key]).toEqual({ ThrottlingRateLimit: ADMIN_ROUTE_THROTTLE.rateLimit, ThrottlingBurstLimit: ADMIN_ROUTE_THROTTLE.burstLimit });
      else expect(routes[key].ThrottlingRateLimit).toBe(Math.floor(defaults.ThrottlingRateLimit * PLAYER_ROUTE_SHARES[key]));
    }
    const capped = Object.values(routes).reduce((sum, r) => sum + r.ThrottlingRateLimit, 0);
    expect(defaults.ThrottlingRateLimit - capped).toBeGreaterThanOrEqual(0.48 * defaults.ThrottlingRateLimit);
  });

  it('reserves concurrency for the answers consumer and the runner in prod, with SQS capped at the same number', () => {
    for (const [id, reserved] of Object.entries(RESERVED_CONCURRENCY) as [keyof typeof RESERVED_CONCURRENCY, number][]) {
      const fn = prodStack.functions[id];
      const json = prodTemplate.toJSON().Resources[logicalId(fn.fn)] as CfnResourceJson;
      expect(json.Properties.ReservedConcurrentExecutions).toBe(reserved);
      const mappings = Object.values(prodTemplate.findResources('AWS::Lambda::EventSourceMapping')).filter(
        // Triggers invoke the function's live alias (lib/constructs/deployments.ts).
        (m) =>
          (m as CfnResourceJson).Properties.FunctionName &&
          refsIn((m as CfnResourceJson).Properties.FunctionName).some((r) => r.id === logicalId(fn.fn) || r.id === logicalId(fn.alias)),
      ) as CfnResourceJson[];
      expect(mappings.length).toBeGreaterThan(0);
      for (const m of mappings) expect(m.Properties.ScalingConfig).toEqual({ MaximumConcurrency: reserved });
    }
  });

  it('reserves none in other stages by default (a new account’s concurrency limit may be tiny)', () => {
    testTemplate.resourcePropertiesCountIs('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.anyValue() }, 0);
  });
});

describe('Cognito: admin MFA gate, threat protection and SES (context flags)', () => {
  it('runs the pre token generation trigger, which may only AdminGetUser', () => {
    testTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      LambdaConfig: { PreTokenGeneration: { 'Fn::GetAtt': [logicalId(testStack.adminMfa.trigger.fn), 'Arn'] } },
    });
    const actions = statementsOfRole(testTemplate, logicalId(testStack.adminMfa.trigger.role)).flatMap((s) => asArray(s.Action));
    expect(actions.filter((a) => a.startsWith('cognito-idp:'))).toEqual(['cognito-idp:AdminGetUser']);
  });

  it('has threat protection and SES only when asked for', () => {
    mainTemplate.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      EmailConfiguration: Match.objectLike({ EmailSendingAccount: 'DEVELOPER', From: 'Trivia Live <shows@example.com>' }),
    });
    const pool = Object.values(testTemplate.findResources('AWS::Cognito::UserPool'))[0] as CfnResourceJson;
    expect(pool.Properties.UserPoolAddOns).toBeUndefined();
    expect(pool.Properties.EmailConfiguration).toBeUndefined();
  });
});

describe('cdk-nag AwsSolutions on the stage’s two stacks', () => {
  it('finds nothing unacknowledged in the edge stack or in the main stack wired to it', () => {
    for (const s of [edge, main]) {
      const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(s);
      expect(report.violations.map((v) => `${s.stackName} ${v.ruleName}`)).toEqual([]);
    }
  });
});
