/**
 * The web apps in AWS: the Vite builds (web/dist, `npm run build:web`) in a private S3 bucket, behind the stack's
 * CloudFront distribution (lib/constructs/cdn.ts) through Origin Access Control, on the API's own origin:
 *
 * - `/` (the default root object `index.html`) is the player app, `/console/` the host console (a CloudFront Function
 *   maps `/console` and `/console/` to `console/index.html`: S3 has no directory index behind OAC);
 * - `assets/*` and `console/assets/*` are hashed and immutable (a year, `immutable`); the pages, `config.json`, the
 *   service worker and the manifest are never cached by CloudFront and revalidated by browsers;
 * - every response carries the security headers of lib/webHeaders.ts (strict CSP, HSTS, frame-ancestors 'none');
 * - `config.json` is written at deploy from the stack's own values (tokens), so the build holds no endpoint.
 *
 * Old hashed assets are kept (no prune): a browser that loaded the previous `index.html` can still fetch its files.
 */
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
  type CfnDistribution,
  type IOrigin,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { HSTS_MAX_AGE_SECONDS, IMMUTABLE_CACHE_CONTROL, REVALIDATE_CACHE_CONTROL, contentSecurityPolicy } from '../webHeaders.ts';
import type { Cdn, MediaStorage } from './cdn.ts';
import { PRIVATE_BUCKET } from './support.ts';

/** Files whose names carry a content hash. */
export const IMMUTABLE_PATH_PATTERNS = ['/assets/*', '/console/assets/*'] as const;
/** Files served under fixed names: never cached by CloudFront. `/console*` also takes the console's pages. */
export const REVALIDATED_PATH_PATTERNS = ['/index.html', '/config.json', '/sw.js', '/manifest.webmanifest', '/icon.svg', '/console*'] as const;

export interface WebAppsProps {
  readonly cdn: Cdn;
  readonly media: MediaStorage;
  /** The built apps (web/dist). */
  readonly distDir: string;
  /** What `/config.json` holds (may contain tokens, resolved at deploy). */
  readonly config: Record<string, unknown>;
}

export class WebApps extends Construct {
  readonly bucket: Bucket;
  readonly headersPolicy: ResponseHeadersPolicy;
  readonly consolePathFunction: CloudFrontFunction;
  readonly deployments: BucketDeployment[];

  constructor(scope: Construct, id: string, props: WebAppsProps) {
    super(scope, id);
    const { region } = Stack.of(this);

    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      ...PRIVATE_BUCKET,
      serverAccessLogsBucket: props.media.logBucket,
      serverAccessLogsPrefix: 's3/web/',
      // Every object is rebuilt from the repository at deploy: nothing here needs keeping.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const csp = contentSecurityPolicy({
      connect: [
        `https://cognito-idp.${region}.amazonaws.com`,
        `https://*.appsync-api.${region}.amazonaws.com`,
        `wss://*.appsync-realtime-api.${region}.amazonaws.com`,
        // Media uploads PUT straight to the media bucket with a presigned URL.
        `https://${props.media.bucket.bucketRegionalDomainName}`,
      ],
    });
    this.headersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Trivia Live web apps: strict CSP (no inline script), HSTS, no framing',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });

    this.consolePathFunction = new CloudFrontFunction(this, 'ConsolePath', {
      comment: 'Maps /console and /console/ to the console page (S3 behind OAC has no directory index)',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(
        "function handler(event) { var r = event.request; if (r.uri === '/console' || r.uri === '/console/') r.uri = '/console/index.html'; return r; }",
      ),
    });

    const origin: IOrigin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const common = {
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      responseHeadersPolicy: this.headersPolicy,
      compress: true,
    };
    for (const pattern of IMMUTABLE_PATH_PATTERNS) props.cdn.distribution.addBehavior(pattern, origin, { ...common, cachePolicy: CachePolicy.CACHING_OPTIMIZED });
    for (const pattern of REVALIDATED_PATH_PATTERNS) {
      props.cdn.distribution.addBehavior(pattern, origin, {
        ...common,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        ...(pattern === '/console*' ? { functionAssociations: [{ function: this.consolePathFunction, eventType: FunctionEventType.VIEWER_REQUEST }] } : {}),
      });
    }
    // `/` is the player app: CloudFront asks the origin for the default root object, matched by the /index.html behaviour.
    (props.cdn.distribution.node.defaultChild as CfnDistribution).addPropertyOverride('DistributionConfig.DefaultRootObject', 'index.html');

    const hashed = new BucketDeployment(this, 'HashedAssets', {
      destinationBucket: this.bucket,
      sources: [Source.asset(props.distDir)],
      exclude: ['*'],
      include: ['assets/*', 'console/assets/*'],
      cacheControl: [CacheControl.fromString(IMMUTABLE_CACHE_CONTROL)],
      prune: false,
      // The bucket goes with the stack (DESTROY): the objects must go first.
      retainOnDelete: false,
      memoryLimit: 512,
    });
    const pages = new BucketDeployment(this, 'Pages', {
      destinationBucket: this.bucket,
      sources: [Source.asset(props.distDir, { exclude: ['assets/**', 'console/assets/**'] }), Source.jsonData('config.json', props.config)],
      exclude: ['assets/*', 'console/assets/*'],
      cacheControl: [CacheControl.fromString(REVALIDATE_CACHE_CONTROL)],
      prune: false,
      // The bucket goes with the stack (DESTROY): the objects must go first.
      retainOnDelete: false,
      memoryLimit: 512,
    });
    // The pages name the hashed files: they must be in place before a page that names them is.
    pages.node.addDependency(hashed);
    this.deployments = [hashed, pages];
    acknowledgeDeploymentFindings(Stack.of(this), this.bucket);
  }
}

/** cdk-nag findings of CDK's own BucketDeployment handler (one singleton function per stack), acknowledged with reasons. */
function acknowledgeDeploymentFindings(stack: Stack, webBucket: Bucket): void {
  const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment')) as IConstruct | undefined;
  if (!handler) return;
  const ack = (id: string, reason: string) => Validations.of(handler).acknowledge({ id, reason });
  ack(
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    "CDK's BucketDeployment handler writes its logs with AWSLambdaBasicExecutionRole; CDK creates this role, and it runs only during a deploy.",
  );
  ack('AwsSolutions-L1', "CDK's BucketDeployment handler: CDK pins its runtime (with the AWS CLI layer it needs); it runs only during a deploy.");
  const copy =
    "CDK's BucketDeployment handler copies the build from the CDK asset bucket into the web apps' bucket, with the grants " +
    'BucketDeployment makes: read on the asset objects, write and delete on the web bucket, nothing else. It runs only during a deploy.';
  const webBucketId = stack.getLogicalId(webBucket.node.defaultChild as CfnBucket);
  for (const finding of [
    'Action::s3:GetObject*',
    'Action::s3:GetBucket*',
    'Action::s3:List*',
    'Action::s3:DeleteObject*',
    'Action::s3:Abort*',
    // The CDK asset bucket: named with tokens in an environment-agnostic synth, with the account and Region otherwise.
    `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account}-${Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region}/*`,
    `Resource::<${webBucketId}.Arn>/*`,
  ]) {
    ack(`AwsSolutions-IAM5[${finding}]`, copy);
  }
}
