/**
 * AWS WAF (v2) web ACLs:
 *  - `CdnWebAcl`, scope CLOUDFRONT, for the distribution. A CLOUDFRONT web ACL can only be created in us-east-1, so it
 *    lives in a companion stack (lib/edgeStack.ts) and reaches the main stack as a cross-region reference.
 *  - `UserPoolWebAcl`, scope REGIONAL, associated with the Cognito user pool. Sign-in does not go through CloudFront:
 *    clients call Cognito's own endpoint (cognito-idp.<region>.amazonaws.com), so the sign-in rate limit lives here.
 * (An HTTP API cannot have a web ACL of its own; only CloudFront may reach it, see lib/constructs/originSecret.ts.)
 *
 * Rules in order: Amazon's IP reputation list, the rate-based rules per IP (lib/sizing.ts has the limits and their
 * arithmetic), then the common rule set and known bad inputs. Rate-limited requests get 429 with the contract's error
 * shape; requests the managed rules block get WAF's 403 with the same shape (code `request_blocked`).
 */
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { WAF_RATE_LIMITS, WAF_RATE_WINDOW_SECONDS } from '../sizing.ts';

type Rule = CfnWebACL.RuleProperty;
type Statement = CfnWebACL.StatementProperty;

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** Response bodies in the contract's error shape (DESIGN.md: `{"error": {"code", "message"}}`). */
export const WAF_RESPONSE_BODIES: Record<string, CfnWebACL.CustomResponseBodyProperty> = {
  throttled: {
    contentType: 'APPLICATION_JSON',
    content: JSON.stringify({ error: { code: 'throttled', message: 'too many requests from this address; retry with backoff' } }),
  },
  blocked: {
    contentType: 'APPLICATION_JSON',
    content: JSON.stringify({ error: { code: 'request_blocked', message: 'the request was blocked by the firewall' } }),
  },
};

const blockWith = (status: number, body: keyof typeof WAF_RESPONSE_BODIES): CfnWebACL.RuleActionProperty => ({
  block: { customResponse: { responseCode: status, customResponseBodyKey: body, ...(status === 429 ? { responseHeaders: [{ name: 'retry-after', value: String(WAF_RATE_WINDOW_SECONDS) }] } : {}) } },
});

function managedRuleGroup(name: string, priority: number, ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[]): Rule {
  return {
    name: `AWS-${name}`,
    priority,
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...(ruleActionOverrides ? { ruleActionOverrides } : {}) } },
    overrideAction: { none: {} },
    visibilityConfig: visibility(`AWS-${name}`),
  };
}

function ratePerIp(name: string, priority: number, limit: number, scopeDownStatement?: Statement): Rule {
  return {
    name,
    priority,
    statement: {
      rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: WAF_RATE_WINDOW_SECONDS, ...(scopeDownStatement ? { scopeDownStatement } : {}) },
    },
    action: blockWith(429, 'throttled'),
    visibilityConfig: visibility(name),
  };
}

/** `POST /api/v1/response` (with or without the trailing slash). */
export const ANSWER_REQUESTS: Statement = {
  andStatement: {
    statements: [
      { byteMatchStatement: { fieldToMatch: { method: {} }, positionalConstraint: 'EXACTLY', searchString: 'POST', textTransformations: [{ priority: 0, type: 'NONE' }] } },
      {
        byteMatchStatement: {
          fieldToMatch: { uriPath: {} },
          positionalConstraint: 'STARTS_WITH',
          searchString: '/api/v1/response',
          textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
        },
      },
    ],
  },
};

/** The CLOUDFRONT web ACL of the distribution (create it in us-east-1: lib/edgeStack.ts). */
export class CdnWebAcl extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: { readonly stage: string }) {
    super(scope, id);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      description: `Trivia Live ${props.stage}: CloudFront in front of the API and media`,
      defaultAction: { allow: {} },
      customResponseBodies: WAF_RESPONSE_BODIES,
      visibilityConfig: visibility(`trivia-${props.stage}-cdn`),
      rules: [
        managedRuleGroup('AWSManagedRulesAmazonIpReputationList', 0),
        ratePerIp('AnswersPerIp', 1, WAF_RATE_LIMITS.answers, ANSWER_REQUESTS),
        ratePerIp('ApiPerIp', 2, WAF_RATE_LIMITS.api, { notStatement: { statement: ANSWER_REQUESTS } }),
        // The body limit of the common rule set (8 KB) is below the API's own (16 KiB, answered 413 in the contract's
        // shape by lambda/shared/http.ts): counted, not blocked, so the API's limit is the one that applies.
        managedRuleGroup('AWSManagedRulesCommonRuleSet', 3, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', 4),
      ],
    });
  }
}

/** A REGIONAL web ACL on the user pool: Cognito's sign-in endpoint is not behind CloudFront. */
export class UserPoolWebAcl extends Construct {
  readonly webAcl: CfnWebACL;
  readonly association: CfnWebACLAssociation;

  constructor(scope: Construct, id: string, props: { readonly stage: string; readonly userPool: IUserPool }) {
    super(scope, id);
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: `Trivia Live ${props.stage}: Cognito user pool, sign-in, sign-up and password reset`,
      defaultAction: { allow: {} },
      customResponseBodies: WAF_RESPONSE_BODIES,
      visibilityConfig: visibility(`trivia-${props.stage}-user-pool`),
      rules: [
        managedRuleGroup('AWSManagedRulesAmazonIpReputationList', 0),
        // Every call to the pool's endpoint counts (InitiateAuth, SignUp, ForgotPassword, ...): all are sign-in traffic.
        ratePerIp('SignInPerIp', 1, WAF_RATE_LIMITS.signIn),
        managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });
    this.association = new CfnWebACLAssociation(this, 'Association', { resourceArn: props.userPool.userPoolArn, webAclArn: this.webAcl.attrArn });
  }
}
