/**
 * CloudFront, question media and production sizing: the distribution's behaviours and TTLs, the cache key of episode
 * reads, Origin Access Control on a private encrypted bucket, access logs, the upload function's single grant, the
 * CdnUrl output, warm throughput in prod (not in dev) and RESPONSE_SHARDS from context.
 */
import { CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EPISODE_PATH_PATTERN, LIVE_PATH_PATTERN, MEDIA_PATH_PATTERN, STANDING_PATH_PATTERN, UNCACHED_ERROR_STATUSES } from '../../lib/constructs/cdn.ts';
import { IMMUTABLE_PATH_PATTERNS, REVALIDATED_PATH_PATTERNS } from '../../lib/constructs/webApps.ts';
import { MEDIA_PREFIX } from '../../lambda/domain/media.ts';
import { LOCAL_RESPONSE_SHARDS, ON_DEMAND_BASELINE, PROD_RESPONSE_SHARDS, PROD_WARM_THROUGHPUT, WARM_TABLES } from '../../lib/sizing.ts';
import type { TriviaStack } from '../../lib/triviaStack.ts';
import { buckets, functions as functionSpecs, httpRoutes, tables as tableSpecs, type FunctionId } from '../../lib/wiring.ts';
import { envNames, type TableId } from '../../lambda/shared/resources.ts';
import { asArray, logicalId, refsIn, statementsOfRole, synthStack, synthTestAndProd, type CfnResourceJson, type Statement } from './synth.ts';

const { stack, template, prodStack, prodTemplate } = synthTestAndProd();

const resourceOf = (t: Template, id: string) => {
  const r = t.toJSON().Resources[id] as CfnResourceJson | undefined;
  if (!r) throw new Error(`no resource ${id}`);
  return r;
};

interface Behaviour {
  PathPattern?: string;
  TargetOriginId: string;
  CachePolicyId: unknown;
  OriginRequestPolicyId?: unknown;
  ResponseHeadersPolicyId?: unknown;
  AllowedMethods: string[];
  CachedMethods?: string[];
  ViewerProtocolPolicy: string;
}
interface Origin {
  Id: string;
  DomainName: unknown;
  OriginShield?: { Enabled: boolean; OriginShieldRegion: unknown };
  CustomOriginConfig?: { OriginProtocolPolicy: string; OriginSSLProtocols: string[] };
  S3OriginConfig?: unknown;
  OriginAccessControlId?: unknown;
}

function distributionConfig(t: Template, s: TriviaStack) {
  const config = resourceOf(t, logicalId(s.cdn.distribution)).Properties.DistributionConfig as {
    DefaultCacheBehavior: Behaviour;
    CacheBehaviors: Behaviour[];
    Origins: Origin[];
    Logging?: unknown;
    ViewerCertificate?: unknown;
    CustomErrorResponses?: { ErrorCode: number; ErrorCachingMinTTL: number; ResponseCode?: number; ResponsePagePath?: string }[];
  };
  const origin = (id: string) => config.Origins.find((o) => o.Id === id)!;
  const behaviour = (pattern: string) => config.CacheBehaviors.find((b) => b.PathPattern === pattern)!;
  return { config, origin, behaviour };
}

describe('CloudFront distribution', () => {
  it('has exactly one distribution, with the API as default origin, four more behaviours and the web apps\' (test/infra/webApps.test.ts)', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const { config } = distributionConfig(template, stack);
    const web = [...IMMUTABLE_PATH_PATTERNS, ...REVALIDATED_PATH_PATTERNS] as string[];
    expect(config.CacheBehaviors.map((b) => b.PathPattern).filter((p) => !web.includes(p!)).sort()).toEqual([EPISODE_PATH_PATTERN, LIVE_PATH_PATTERN, MEDIA_PATH_PATTERN, STANDING_PATH_PATTERN].sort());
    expect(EPISODE_PATH_PATTERN).toBe('/api/v1/episode/*');
    expect(LIVE_PATH_PATTERN).toBe('/api/v1/live/*');
    expect(STANDING_PATH_PATTERN).toBe('/api/v1/episode/*/me');
    expect(MEDIA_PATH_PATTERN).toBe('/media/*');
  });

  it('forwards everything to the API by default: caching disabled, all viewer headers but Host (so Authorization too), HTTPS, TLS 1.2 to the origin', () => {
    const { config, origin } = distributionConfig(template, stack);
    const d = config.DefaultCacheBehavior;
    expect(d.CachePolicyId).toBe(CachePolicy.CACHING_DISABLED.cachePolicyId);
    expect(d.OriginRequestPolicyId).toBe(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId);
    expect(d.AllowedMethods.sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    expect(d.ViewerProtocolPolicy).toBe('https-only');
    const api = origin(d.TargetOriginId);
    expect(refsIn(api.DomainName)).toEqual([{ id: logicalId(stack.api.httpApi) }]);
    expect(JSON.stringify(api.DomainName)).toContain('.execute-api.');
    expect(api.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
  });

  it('caches episode reads as the origin says, at most 1 s, with Authorization (and Origin) in the cache key', () => {
    const { config, behaviour } = distributionConfig(template, stack);
    const b = behaviour(EPISODE_PATH_PATTERN);
    expect(b.TargetOriginId).toBe(config.DefaultCacheBehavior.TargetOriginId);
    expect(b.CachePolicyId).toEqual({ Ref: logicalId(stack.cdn.episodeCachePolicy) });
    expect(b.OriginRequestPolicyId).toBe(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId);
    // POST /api/v1/episode/ (trailing slash), .../cancel and .../statistics match too: every method passes, GET and HEAD are cached.
    expect(b.AllowedMethods.sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    expect(b.CachedMethods?.sort()).toEqual(['GET', 'HEAD']);
    expect(b.ViewerProtocolPolicy).toBe('https-only');

    const policy = resourceOf(template, logicalId(stack.cdn.episodeCachePolicy)).Properties.CachePolicyConfig as Record<string, unknown>;
    expect(policy).toMatchObject({ MinTTL: 0, DefaultTTL: 1, MaxTTL: 1 });
    const key = policy.ParametersInCacheKeyAndForwardedToOrigin as {
      HeadersConfig: { HeaderBehavior: string; Headers: string[] };
      CookiesConfig: { CookieBehavior: string };
    };
    // Never one user's cached response for a caller without (or with another) token.
    expect(key.HeadersConfig.HeaderBehavior).toBe('whitelist');
    expect(key.HeadersConfig.Headers).toContain('Authorization');
    expect(key.HeadersConfig.Headers.sort()).toEqual(['Authorization', 'Origin']);
    expect(key.CookiesConfig.CookieBehavior).toBe('none');
  });

  /** A CloudFront path pattern as a regular expression: `*` is any run of characters (`/` included), `?` one. */
  const patternRegex = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  /** The behaviour CloudFront picks for a path: the first pattern that matches, in the distribution's order, else the default. */
  const behaviourFor = (path: string) => {
    const { config } = distributionConfig(template, stack);
    return config.CacheBehaviors.find((b) => patternRegex(b.PathPattern!).test(path))?.PathPattern ?? 'default';
  };
  const samplePath = (routePath: string) => routePath.replace(/\{[^}]+\}/g, 'ep-1');

  it('routes GET /api/v1/live/{id} to the live behaviour and GET /api/v1/episode/{id}/me to the uncached one; the rest of the API as before', () => {
    expect(behaviourFor('/api/v1/episode/ep-1/me')).toBe(STANDING_PATH_PATTERN);
    expect(behaviourFor('/api/v1/live/ep-1')).toBe(LIVE_PATH_PATTERN);
    // The standing route is inside the episode pattern: it is the earlier behaviour that keeps it out of that cache.
    expect(patternRegex(EPISODE_PATH_PATTERN).test('/api/v1/episode/ep-1/me')).toBe(true);
    for (const r of httpRoutes()) {
      const path = samplePath(r.path);
      const expected = r.path === '/api/v1/episode/{id}/me' ? STANDING_PATH_PATTERN : r.path === '/api/v1/live/{id}' ? LIVE_PATH_PATTERN : r.path.startsWith('/api/v1/episode/') ? EPISODE_PATH_PATTERN : 'default';
      expect(behaviourFor(path), `${r.method} ${r.path}`).toBe(expected);
    }
    expect(httpRoutes().filter((r) => r.path === '/api/v1/live/{id}' || r.path === '/api/v1/episode/{id}/me').map((r) => `${r.method} ${r.path} ${r.auth}`).sort()).toEqual([
      'GET /api/v1/episode/{id}/me user',
      'GET /api/v1/live/{id} public',
    ]);
  });

  it('never caches GET /api/v1/episode/{id}/me: caching disabled, the token forwarded to the origin as on the default behaviour', () => {
    const { config, behaviour } = distributionConfig(template, stack);
    const b = behaviour(STANDING_PATH_PATTERN);
    expect(b.CachePolicyId).toBe(CachePolicy.CACHING_DISABLED.cachePolicyId);
    expect(b.OriginRequestPolicyId).toBe(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId);
    expect(b.TargetOriginId).toBe(config.DefaultCacheBehavior.TargetOriginId);
    expect(b.AllowedMethods.sort()).toEqual(['GET', 'HEAD']);
    expect(b.ViewerProtocolPolicy).toBe('https-only');
  });

  it('caches the live snapshot with a key that is the path alone: no Authorization, no header, no cookie, no query string; max-age=1 honoured', () => {
    const { behaviour } = distributionConfig(template, stack);
    const b = behaviour(LIVE_PATH_PATTERN);
    expect(b.CachePolicyId).toEqual({ Ref: logicalId(stack.cdn.liveCachePolicy) });
    // Nothing of the viewer's request but the path reaches the origin: every miss is the same request.
    expect(b.OriginRequestPolicyId).toBeUndefined();
    expect(b.AllowedMethods.sort()).toEqual(['GET', 'HEAD']);
    expect(b.CachedMethods?.sort()).toEqual(['GET', 'HEAD']);
    expect(b.ResponseHeadersPolicyId).toBe(ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS.responseHeadersPolicyId);
    expect(b.ViewerProtocolPolicy).toBe('https-only');

    const policy = resourceOf(template, logicalId(stack.cdn.liveCachePolicy)).Properties.CachePolicyConfig as Record<string, unknown>;
    // Cache-Control: public, max-age=1 gives 1 s (TTL = max-age within [min, max]); no-store errors are not cached.
    expect(policy).toMatchObject({ MinTTL: 0, DefaultTTL: 1, MaxTTL: 1 });
    expect(policy.ParametersInCacheKeyAndForwardedToOrigin).toEqual({
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'none' },
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
    });
    expect(JSON.stringify(policy)).not.toMatch(/Authorization/i);
  });

  it('caches no server error (500, 502, 503, 504), so one failed snapshot is not every player’s answer; other responses pass unchanged', () => {
    const { config } = distributionConfig(template, stack);
    expect(config.CustomErrorResponses).toEqual(UNCACHED_ERROR_STATUSES.map((code) => ({ ErrorCode: code, ErrorCachingMinTTL: 0 })));
    expect([...UNCACHED_ERROR_STATUSES]).toEqual([500, 502, 503, 504]);
  });

  it('puts Origin Shield (in the API’s region) on the API origin of the live snapshot only', () => {
    const { config, origin, behaviour } = distributionConfig(template, stack);
    const live = origin(behaviour(LIVE_PATH_PATTERN).TargetOriginId);
    expect(live.OriginShield).toEqual({ Enabled: true, OriginShieldRegion: { Ref: 'AWS::Region' } });
    expect(live.DomainName).toEqual(origin(config.DefaultCacheBehavior.TargetOriginId).DomainName);
    expect(live.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    // Answers and per-token episode reads do not pay the shield's per-request charge.
    expect(origin(config.DefaultCacheBehavior.TargetOriginId).OriginShield).toBeUndefined();
    expect(origin(behaviour(EPISODE_PATH_PATTERN).TargetOriginId).OriginShield).toBeUndefined();
  });

  it('serves /media/* from the media bucket through Origin Access Control, cached, GET and HEAD only', () => {
    const { behaviour, origin } = distributionConfig(template, stack);
    const b = behaviour(MEDIA_PATH_PATTERN);
    expect(b.CachePolicyId).toBe(CachePolicy.CACHING_OPTIMIZED.cachePolicyId);
    expect(b.ResponseHeadersPolicyId).toBe(ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS.responseHeadersPolicyId);
    expect(b.AllowedMethods.sort()).toEqual(['GET', 'HEAD']);
    expect(b.ViewerProtocolPolicy).toBe('redirect-to-https');

    const s3 = origin(b.TargetOriginId);
    expect(refsIn(s3.DomainName)).toEqual([{ id: logicalId(stack.media.bucket), attribute: 'RegionalDomainName' }]);
    expect(s3.S3OriginConfig).toEqual({ OriginAccessIdentity: '' }); // no legacy OAI
    const [oac] = refsIn(s3.OriginAccessControlId);
    expect(resourceOf(template, oac.id)).toMatchObject({
      Type: 'AWS::CloudFront::OriginAccessControl',
      Properties: { OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' } },
    });
    template.resourceCountIs('AWS::CloudFront::CloudFrontOriginAccessIdentity', 0);
    // The behaviour's path is the bucket's key prefix: /media/x.png is the object media/x.png.
    expect(MEDIA_PATH_PATTERN).toBe(`/${buckets.media.prefix}*`);
    expect(buckets.media.prefix).toBe(MEDIA_PREFIX);
  });

  it('lets only this distribution read the bucket (OAC bucket policy), and only over TLS', () => {
    const distributionId = logicalId(stack.cdn.distribution);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack.media.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')) as CfnResourceJson[];
    const media = policies.find((p) => refsIn(p.Properties.Bucket).some((r) => r.id === logicalId(stack.media.bucket)))!;
    const allow = (media.Properties.PolicyDocument as { Statement: (Statement & { Principal?: unknown; Condition?: unknown })[] }).Statement.filter(
      (s) => s.Effect === 'Allow',
    );
    expect(allow).toHaveLength(1);
    expect(refsIn(allow[0].Condition).map((r) => r.id)).toContain(distributionId);
  });

  it('logs requests to the access-log bucket', () => {
    const { config } = distributionConfig(template, stack);
    expect(config.Logging).toEqual({ Bucket: { 'Fn::GetAtt': [logicalId(stack.media.logBucket), 'RegionalDomainName'] }, Prefix: 'cloudfront/' });
  });

  it('outputs CdnUrl, the distribution’s https URL', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.CdnUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.cdn.distribution), 'DomainName'] }]] });
  });
});

describe('S3 buckets', () => {
  const bucketProps = (s: TriviaStack, t: Template, which: 'bucket' | 'logBucket') => resourceOf(t, logicalId(s.media[which]));

  it('has the media bucket and the access-log bucket: encrypted, all public access blocked, TLS only, retained', () => {
    for (const which of ['bucket', 'logBucket'] as const) {
      const b = bucketProps(stack, template, which);
      expect(b.Properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.DeletionPolicy).toBe('Retain');
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logicalId(stack.media[which]) },
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('logs access to the media bucket, has no ACLs on it, and accepts browser uploads (CORS PUT)', () => {
    const b = bucketProps(stack, template, 'bucket').Properties;
    expect(b.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logicalId(stack.media.logBucket) }, LogFilePrefix: 's3/media/' });
    expect(b.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(b.CorsConfiguration).toEqual({ CorsRules: [{ AllowedHeaders: ['content-type'], AllowedMethods: ['PUT'], AllowedOrigins: ['*'], MaxAge: 3000 }] });
  });

  it('lets S3 deliver access logs through a bucket policy (no deprecated LogDeliveryWrite ACL); keeps ACLs on for CloudFront logs', () => {
    const logs = bucketProps(stack, template, 'logBucket').Properties;
    expect(logs.AccessControl).toBeUndefined();
    expect(logs.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack.media.logBucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack.media.bucket), 'Arn'] } } }),
          }),
        ]),
      },
    });
  });

  it('expires access logs (30 days in dev, a year in prod)', () => {
    const rules = (t: Template, s: TriviaStack) => (bucketProps(s, t, 'logBucket').Properties.LifecycleConfiguration as { Rules: unknown[] }).Rules;
    expect(rules(template, stack)).toEqual([{ ExpirationInDays: 30, Status: 'Enabled' }]);
    expect(rules(prodTemplate, prodStack)).toEqual([{ ExpirationInDays: 365, Status: 'Enabled' }]);
  });
});

describe('media upload function: least privilege', () => {
  const uploaders = (Object.keys(functionSpecs) as FunctionId[]).filter((id) => ((functionSpecs[id] as { puts?: unknown[] }).puts ?? []).length > 0);

  it('is createMediaUpload, on POST /api/v1/media for admins', () => {
    expect(uploaders).toEqual(['createMediaUpload']);
    expect(functionSpecs.createMediaUpload.triggers).toEqual([{ kind: 'http', method: 'POST', path: '/api/v1/media', auth: 'admin' }]);
  });

  it('may s3:PutObject under media/ in the media bucket, and nothing else in S3', () => {
    const statements = statementsOfRole(template, logicalId(stack.functions.createMediaUpload.role));
    const s3 = statements.filter((s) => (asArray(s.Action) as string[]).some((a) => a.startsWith('s3:')));
    expect(s3).toHaveLength(1);
    expect(s3[0].Effect).toBe('Allow');
    expect(s3[0].Action).toBe('s3:PutObject');
    expect(s3[0].Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack.media.bucket), 'Arn'] }, '/media/*']] });
  });

  it('is the only function with any S3 permission', () => {
    for (const id of Object.keys(functionSpecs) as FunctionId[]) {
      if (id === 'createMediaUpload') continue;
      const actions = statementsOfRole(template, logicalId(stack.functions[id].role)).flatMap((s) => asArray(s.Action) as string[]);
      expect(actions.filter((a) => a.startsWith('s3:')), id).toEqual([]);
    }
  });

  it('gets the bucket name and the CDN URL (the distribution’s) in its environment', () => {
    const vars = (resourceOf(template, logicalId(stack.functions.createMediaUpload.fn)).Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(vars[envNames.bucket('media')]).toEqual({ Ref: logicalId(stack.media.bucket) });
    expect(vars[envNames.setting('cdnUrl')]).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.cdn.distribution), 'DomainName'] }]],
    });
    expect(envNames.bucket('media')).toBe('MEDIA_BUCKET');
    expect(envNames.setting('cdnUrl')).toBe('CDN_URL');
  });
});

describe('production sizing', () => {
  const tableIds = Object.keys(tableSpecs) as TableId[];
  const warmOf = (t: Template, s: TriviaStack, id: TableId) => resourceOf(t, logicalId(s.tables[id])).Properties.WarmThroughput;
  const shardsOf = (t: Template, s: TriviaStack) =>
    (resourceOf(t, logicalId(s.functions.createEpisode.fn)).Properties.Environment as { Variables: Record<string, unknown> }).Variables[
      envNames.setting('responseShards')
    ];

  it('pre-warms responses, participants and statistics in prod, with the documented defaults', () => {
    expect(WARM_TABLES.sort()).toEqual(['participants', 'responses', 'statistics']);
    for (const id of WARM_TABLES) {
      expect(warmOf(prodTemplate, prodStack, id), id).toEqual({
        ReadUnitsPerSecond: PROD_WARM_THROUGHPUT[id].readUnitsPerSecond,
        WriteUnitsPerSecond: PROD_WARM_THROUGHPUT[id].writeUnitsPerSecond,
      });
    }
    expect(PROD_WARM_THROUGHPUT.responses).toEqual({ readUnitsPerSecond: 100_000, writeUnitsPerSecond: 100_000 });
    for (const id of tableIds.filter((t) => !(WARM_TABLES as TableId[]).includes(t))) expect(warmOf(prodTemplate, prodStack, id), id).toBeUndefined();
  });

  it('never sets less than a new on-demand table already has (warm throughput can only go up)', () => {
    for (const id of WARM_TABLES) {
      expect(PROD_WARM_THROUGHPUT[id].readUnitsPerSecond).toBeGreaterThanOrEqual(ON_DEMAND_BASELINE.readUnitsPerSecond);
      expect(PROD_WARM_THROUGHPUT[id].writeUnitsPerSecond).toBeGreaterThanOrEqual(ON_DEMAND_BASELINE.writeUnitsPerSecond);
    }
  });

  it('does not pre-warm a dev stage', () => {
    for (const id of tableIds) expect(warmOf(template, stack, id), id).toBeUndefined();
  });

  it('pre-warms any stage with context warmThroughput=true, with per-table values from context', () => {
    const { stack: s, template: t } = synthStack('staging', { warmThroughput: 'true', 'warmThroughput.responses.write': '200000', 'warmThroughput.statistics.read': 15000 });
    expect(warmOf(t, s, 'responses')).toEqual({ ReadUnitsPerSecond: 100_000, WriteUnitsPerSecond: 200_000 });
    expect(warmOf(t, s, 'statistics')).toEqual({ ReadUnitsPerSecond: 15_000, WriteUnitsPerSecond: PROD_WARM_THROUGHPUT.statistics.writeUnitsPerSecond });
    expect(warmOf(t, s, 'participants')).toEqual({ ReadUnitsPerSecond: 50_000, WriteUnitsPerSecond: 20_000 });
    expect(warmOf(t, s, 'episodes')).toBeUndefined();
  }, 60_000);

  it('lets prod opt out with warmThroughput=false, and refuses values below the on-demand baseline', () => {
    const { stack: s, template: t } = synthStack('prod', { warmThroughput: 'false' });
    for (const id of tableIds) expect(warmOf(t, s, id), id).toBeUndefined();
    expect(() => synthStack('prod', { 'warmThroughput.responses.write': '1000' })).toThrow(/warmThroughput\.responses\.write must be an integer from 4000/);
    expect(() => synthStack('prod', { 'warmThroughput.participants.read': 'lots' })).toThrow(/warmThroughput\.participants\.read/);
    expect(() => synthStack('prod', { warmThroughput: 'yes' })).toThrow(/warmThroughput must be true or false/);
  }, 60_000);

  it('gives createEpisode RESPONSE_SHARDS: 16 in dev, 128 in prod, context responseShards anywhere', () => {
    expect([LOCAL_RESPONSE_SHARDS, PROD_RESPONSE_SHARDS]).toEqual([16, 128]);
    expect(shardsOf(template, stack)).toBe('16');
    expect(shardsOf(prodTemplate, prodStack)).toBe('128');
    const { stack: s, template: t } = synthStack('prod', { responseShards: '256' });
    expect(shardsOf(t, s)).toBe('256');
    expect(() => synthStack('test', { responseShards: '0' })).toThrow(/responseShards must be an integer from 1 to 1024/);
    expect(() => synthStack('test', { responseShards: 4096 })).toThrow(/responseShards/);
  }, 60_000);

  it('gives RESPONSE_SHARDS to createEpisode alone (the episode records its shard count)', () => {
    for (const id of Object.keys(functionSpecs) as FunctionId[]) {
      const vars = (resourceOf(template, logicalId(stack.functions[id].fn)).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(envNames.setting('responseShards') in vars, id).toBe(id === 'createEpisode');
    }
  });
});
