/**
 * The web apps in the CDK stack: a private bucket behind the existing distribution through OAC, the security headers
 * (strict CSP without inline script, HSTS, frame-ancestors 'none'), immutable hashed assets, pages never cached,
 * `/console/` mapped to its page, config.json written at deploy from the stack's values, and the AppUrl output.
 */
import { CachePolicy } from 'aws-cdk-lib/aws-cloudfront';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { IMMUTABLE_PATH_PATTERNS, REVALIDATED_PATH_PATTERNS } from '../../lib/constructs/webApps.ts';
import type { TriviaStack } from '../../lib/triviaStack.ts';
import { HSTS_MAX_AGE_SECONDS, IMMUTABLE_CACHE_CONTROL, REVALIDATE_CACHE_CONTROL } from '../../lib/webHeaders.ts';
import { logicalId, synthStack, type CfnResourceJson } from './synth.ts';

let stack: TriviaStack;
let template: Template;

beforeAll(() => {
  ({ stack, template } = synthStack('test'));
}, 120_000);

interface Behaviour {
  PathPattern: string;
  TargetOriginId: string;
  CachePolicyId: string;
  ResponseHeadersPolicyId?: unknown;
  AllowedMethods: string[];
  ViewerProtocolPolicy: string;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
}

const distribution = () =>
  (template.toJSON().Resources[logicalId(stack.cdn.distribution)] as CfnResourceJson).Properties.DistributionConfig as {
    CacheBehaviors: Behaviour[];
    DefaultRootObject?: string;
    Origins: { Id: string; DomainName: unknown; OriginAccessControlId?: unknown }[];
  };
const behaviour = (pattern: string) => distribution().CacheBehaviors.find((b) => b.PathPattern === pattern)!;
const webOriginId = () => behaviour('/index.html').TargetOriginId;

describe('web apps on CloudFront', () => {
  it('serves / as index.html and every web path from the web bucket through Origin Access Control', () => {
    expect(distribution().DefaultRootObject).toBe('index.html');
    const origin = distribution().Origins.find((o) => o.Id === webOriginId())!;
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [logicalId(stack.webApps.bucket), 'RegionalDomainName'] });
    expect(origin.OriginAccessControlId).toBeDefined();
    for (const pattern of [...IMMUTABLE_PATH_PATTERNS, ...REVALIDATED_PATH_PATTERNS]) {
      const b = behaviour(pattern);
      expect(b.TargetOriginId, pattern).toBe(webOriginId());
      expect(b.AllowedMethods.sort(), pattern).toEqual(['GET', 'HEAD']);
      expect(b.ViewerProtocolPolicy, pattern).toBe('redirect-to-https');
      expect(b.ResponseHeadersPolicyId, pattern).toEqual({ Ref: logicalId(stack.webApps.headersPolicy) });
    }
    // The API keeps everything else: the default behaviour is not the web bucket's.
    template.hasResourceProperties('AWS::S3::Bucket', { PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }) });
  });

  it('caches hashed assets and never caches the pages, config.json or the service worker', () => {
    for (const pattern of IMMUTABLE_PATH_PATTERNS) expect(behaviour(pattern).CachePolicyId).toBe(CachePolicy.CACHING_OPTIMIZED.cachePolicyId);
    for (const pattern of REVALIDATED_PATH_PATTERNS) expect(behaviour(pattern).CachePolicyId).toBe(CachePolicy.CACHING_DISABLED.cachePolicyId);
    // Console pages come before the catch-all of /console*: CloudFront takes the first match.
    const order = distribution().CacheBehaviors.map((b) => b.PathPattern);
    expect(order.indexOf('/console/assets/*')).toBeLessThan(order.indexOf('/console*'));
  });

  it('maps /console and /console/ to the console page with a viewer-request function', () => {
    const fn = behaviour('/console*').FunctionAssociations!;
    expect(fn).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [logicalId(stack.webApps.consolePathFunction), 'FunctionARN'] } }]);
    const code = (template.toJSON().Resources[logicalId(stack.webApps.consolePathFunction)] as CfnResourceJson).Properties.FunctionCode as string;
    expect(code).toContain("'/console/index.html'");
  });

  it("sends a strict CSP (no inline script, no eval, no framing), HSTS, nosniff and DENY on every web response", () => {
    const policy = (template.toJSON().Resources[logicalId(stack.webApps.headersPolicy)] as CfnResourceJson).Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    };
    const h = policy.SecurityHeadersConfig;
    const csp = JSON.stringify(h.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain('wss://*.appsync-realtime-api.');
    expect(h.ContentSecurityPolicy.Override).toBe(true);
    expect(h.StrictTransportSecurity).toEqual({ AccessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS, IncludeSubdomains: true, Override: true });
    expect(h.ContentTypeOptions).toEqual({ Override: true });
    expect(h.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
  });
});

describe('web apps deployment', () => {
  const deployments = () => Object.values(template.findResources('Custom::CDKBucketDeployment')) as CfnResourceJson[];

  it('uploads hashed assets as immutable and the rest as no-cache, keeping old assets (no prune)', () => {
    expect(deployments()).toHaveLength(2);
    const hashed = deployments().find((d) => d.Properties.Include)!.Properties;
    const pages = deployments().find((d) => !d.Properties.Include)!.Properties;
    expect(hashed.SystemMetadata).toEqual({ 'cache-control': IMMUTABLE_CACHE_CONTROL });
    expect(hashed.Include).toEqual(['assets/*', 'console/assets/*']);
    expect(pages.SystemMetadata).toEqual({ 'cache-control': REVALIDATE_CACHE_CONTROL });
    expect(pages.Exclude).toEqual(['assets/*', 'console/assets/*']);
    for (const p of [hashed, pages]) {
      expect(p.Prune).toBe(false);
      expect(p.DestinationBucketName).toEqual({ Ref: logicalId(stack.webApps.bucket) });
    }
  });

  it('writes config.json at deploy from the stack: API and app on the distribution, the user pool and its client', () => {
    const pages = deployments().find((d) => !d.Properties.Include)!.Properties;
    const markers = JSON.stringify(pages.SourceMarkers);
    expect(markers).toContain(logicalId(stack.cdn.distribution));
    expect(markers).toContain(logicalId(stack.userPoolClient));
    expect(markers).toContain(logicalId(stack.userPool));
    expect((pages.SourceObjectKeys as unknown[]).length).toBe(2);
  });

  it('outputs AppUrl: the distribution, with the player app at / and the console at /console/', () => {
    const out = template.findOutputs('AppUrl');
    expect(JSON.stringify(out.AppUrl.Value)).toContain(logicalId(stack.cdn.distribution));
  });
});
