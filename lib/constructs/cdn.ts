/**
 * CloudFront in front of the HTTP API, and the question-media bucket behind it (docs/SCALING.md, "CDN and media").
 *
 * - default behaviour: the API, caching disabled, every viewer header forwarded except Host (API Gateway answers only
 *   to its own host name). With caching disabled, CloudFront forwards Authorization with the other viewer headers.
 * - `/api/v1/episode/*`: the API, cached as the origin's Cache-Control says, at most 1 s (GET episode sends
 *   `public, max-age=1`; errors send `no-store`). See EPISODE_CACHE_KEY_HEADERS for why Authorization is in the cache key.
 * - STANDING_PATH_PATTERN (GET /api/v1/episode/{id}/me): a player's own standing; never cached (it comes before
 *   `/api/v1/episode/*`, which would otherwise match it).
 * - `/api/v1/live/*`: the public live snapshot, one shared copy per episode and second (see LIVE_PATH_PATTERN).
 * - `/media/*`: the media bucket, private, read through Origin Access Control; objects are immutable (uuid keys).
 *
 * `MediaStorage` is created before the functions (the upload function needs the bucket's name and a grant on it);
 * `Cdn` after the API (it needs the API's id).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { buckets } from '../wiring.ts';
import type { Api } from './api.ts';
import { isProd, PRIVATE_BUCKET } from './support.ts';

/** The path CloudFront serves media under; the same as the bucket's key prefix, so no origin path rewriting is needed. */
export const MEDIA_PATH_PATTERN = `/${buckets.media.prefix}*`;
export const EPISODE_PATH_PATTERN = '/api/v1/episode/*';
/** GET /api/v1/episode/{id}/me: one player's standing, never served from a cache. */
export const STANDING_PATH_PATTERN = '/api/v1/episode/*/me';
/**
 * GET /api/v1/live/{id}: the same bytes for every caller (no authentication), `Cache-Control: public, max-age=1`.
 * Its cache key is the path alone: no Authorization, no cookies, no headers and no query string, so `?x=<random>`
 * cannot make a new entry, and the origin sees one request per episode a second per edge (per Origin Shield, with
 * the shield). Nothing but the path reaches the origin either: every miss is the same request.
 */
export const LIVE_PATH_PATTERN = '/api/v1/live/*';
/**
 * Server errors that CloudFront must not cache (by default it keeps an error 10 s): with the snapshot's shared key one
 * failed origin request would otherwise be every player's answer for 10 s, on the path they fall back to.
 */
export const UNCACHED_ERROR_STATUSES = [500, 502, 503, 504] as const;

/**
 * The cache key of `/api/v1/episode/*`: the Authorization header is IN it. The decision and its cost:
 *
 * GET /api/v1/episode/{id} returns the same view to every signed-in user, so one cached copy per second could serve
 * everyone. But "signed-in" is checked by API Gateway's JWT authorizer, at the origin. CloudFront can only serve a
 * cached copy without asking the origin, so with Authorization outside the cache key a request without a token (or
 * with a forged one) would get the copy cached for someone else. (Nor would it work: on a behaviour that caches,
 * CloudFront forwards Authorization only when it is in the cache key; an origin request policy cannot add it, so the
 * token would not reach API Gateway and every miss would be a 401.) Verifying the JWT at the edge would need Lambda@Edge
 * (CloudFront Functions cannot check an RS256 signature): a second deployment region, a per-request price and cold
 * starts, for a response that is one small DynamoDB read behind a per-container 1-second cache. Overkill.
 *
 * So the token is part of the key: CloudFront only reuses a response for the same token, i.e. the same signed-in
 * session, within one second. That keeps the contract (never served to an unauthenticated caller) and honestly gives
 * up sharing across users: the CDN absorbs repeats from one client (polling faster than 1 Hz, retries, several tabs)
 * but not the audience. The table is protected by the 1-second in-memory cache of getEpisode/submitResponse instead:
 * at most one read per second per Lambda container. docs/SCALING.md has the numbers and the path to a shared copy.
 *
 * Origin is in the key as well: API Gateway adds the CORS headers only when the request has an Origin, so a copy made
 * for a native client must not be served to a browser.
 */
export const EPISODE_CACHE_KEY_HEADERS = ['Authorization', 'Origin'] as const;

export interface MediaStorageProps {
  readonly stage: string;
}

/** The media bucket and the bucket that receives access logs (of the media bucket and of the distribution). */
export class MediaStorage extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;

  constructor(scope: Construct, id: string, props: MediaStorageProps) {
    super(scope, id);
    const prod = isProd(props.stage);
    // S3 server access logs (of the media bucket, and of any bucket that logs here) are granted by a bucket policy for
    // logging.s3.amazonaws.com, not by the deprecated LogDeliveryWrite ACL (CDK's default without this flag).
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    // Retained in every stage: a bucket that still holds objects cannot be deleted by CloudFormation, and emptying it
    // on delete needs a custom-resource Lambda. A dev stack leaves them behind; the logs expire on their own.
    this.logBucket = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront standard logging writes through an ACL grant: the bucket must have ACLs enabled.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(prod ? 365 : 30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      ...PRIVATE_BUCKET,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/media/',
      // Browsers (the admin web client) upload with the presigned PUT URL directly; the URL itself is the authorization.
      cors: [{ allowedMethods: [HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['content-type'], maxAge: 3000 }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

export interface CdnProps {
  readonly stage: string;
  readonly api: Api;
  readonly media: MediaStorage;
  /** Headers CloudFront adds to every request to the API origin (the origin secret, lib/constructs/originSecret.ts). */
  readonly apiOriginHeaders?: Record<string, string>;
  /** The CLOUDFRONT web ACL (lib/edgeStack.ts), as an ARN. */
  readonly webAclArn?: string;
}

export class Cdn extends Construct {
  readonly distribution: Distribution;
  readonly episodeCachePolicy: CachePolicy;
  readonly liveCachePolicy: CachePolicy;
  /** `https://<id>.cloudfront.net`, without a trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: CdnProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const apiOrigin = new HttpOrigin(`${props.api.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      ...(props.apiOriginHeaders ? { customHeaders: props.apiOriginHeaders } : {}),
    });

    this.episodeCachePolicy = new CachePolicy(this, 'EpisodeCachePolicy', {
      comment: 'Episode reads: the origin Cache-Control decides, at most 1 s; one copy per token (see lib/constructs/cdn.ts)',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(1),
      maxTtl: Duration.seconds(1),
      headerBehavior: CacheHeaderBehavior.allowList(...EPISODE_CACHE_KEY_HEADERS),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    this.liveCachePolicy = new CachePolicy(this, 'LiveCachePolicy', {
      comment: 'Live snapshot: one copy per path for every caller; the origin Cache-Control (max-age=1) decides, at most 1 s',
      // min 0: a no-store answer (an unknown episode, an error) is not cached; default 1 s when the origin says nothing.
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(1),
      maxTtl: Duration.seconds(1),
      headerBehavior: CacheHeaderBehavior.none(),
      queryStringBehavior: CacheQueryStringBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    // Origin Shield on the API, for the snapshot only: every edge location's miss is answered by one regional cache,
    // so the API sees ~1 request per episode a second whatever the audience. A second origin for the same API keeps
    // the other behaviours (answers, per-token episode reads) off the shield and its per-request charge. The shield is
    // in the API's own region (lowest latency to it).
    const liveApiOrigin = new HttpOrigin(`${props.api.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      originShieldRegion: stack.region,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Trivia Live (${props.stage}): API and question media`,
      httpVersion: HttpVersion.HTTP2_AND_3,
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      priceClass: isProd(props.stage) ? PriceClass.PRICE_CLASS_ALL : PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.media.logBucket,
      logFilePrefix: 'cloudfront/',
      errorResponses: UNCACHED_ERROR_STATUSES.map((httpStatus) => ({ httpStatus, ttl: Duration.seconds(0) })),
      defaultBehavior: {
        origin: apiOrigin,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      additionalBehaviors: {
        // First: CloudFront takes the first pattern that matches, and this one is inside EPISODE_PATH_PATTERN.
        [STANDING_PATH_PATTERN]: {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        },
        // GET and HEAD only: the snapshot takes no token, so a browser's GET is a simple CORS request (no preflight);
        // CloudFront adds `Access-Control-Allow-Origin: *` to every copy, so one copy serves native clients and browsers.
        [LIVE_PATH_PATTERN]: {
          origin: liveApiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachedMethods: CachedMethods.CACHE_GET_HEAD,
          cachePolicy: this.liveCachePolicy,
          responseHeadersPolicy: ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS,
          compress: true,
        },
        // Also matches POST /api/v1/episode/ (create, with a trailing slash), .../cancel and .../statistics: every
        // method is allowed and only GET and HEAD are cached; no-store responses are never cached (min TTL 0).
        [EPISODE_PATH_PATTERN]: {
          origin: apiOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachedMethods: CachedMethods.CACHE_GET_HEAD,
          cachePolicy: this.episodeCachePolicy,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: true,
        },
        [MEDIA_PATH_PATTERN]: {
          origin: S3BucketOrigin.withOriginAccessControl(props.media.bucket),
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          // nosniff among them: an object is only ever served as the type it was uploaded with.
          responseHeadersPolicy: ResponseHeadersPolicy.CORS_ALLOW_ALL_ORIGINS_AND_SECURITY_HEADERS,
          compress: true,
        },
      },
    });

    this.url = `https://${this.distribution.distributionDomainName}`;
  }
}
