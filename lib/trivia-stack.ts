/** The Trivia Live stack, built from the one definition of the wiring in lib/wiring.ts. */
import { CfnOutput, Lazy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Api } from './constructs/api.ts';
import { Auth } from './constructs/auth.ts';
import { Analytics } from './constructs/analytics.ts';
import { Cdn, MediaStorage } from './constructs/cdn.ts';
import { Data } from './constructs/data.ts';
import { Functions, isProd, type TriviaFunction } from './constructs/functions.ts';
import { Ingest, QueueConsumers } from './constructs/ingest.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Runner } from './constructs/runner.ts';
import { Streams } from './constructs/streams.ts';
import { WebApps } from './constructs/webApps.ts';
import { WEB_DIST } from './webBuild.ts';
import { AdminMfaGate } from './constructs/admin-mfa.ts';
import { OriginSecret } from './constructs/origin-secret.ts';
import { Throttles } from './constructs/throttles.ts';
import { UserPoolWebAcl } from './constructs/waf.ts';
import { applyNagSuppressions } from './nag-suppressions.ts';
import { reservedConcurrency, responseShards } from './sizing.ts';
import type { FunctionId, QueueId, SettingId, TableId, TopicId } from './wiring.ts';

export interface TriviaStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`, ...): `prod` keeps data on deletion and logs for a year. */
  readonly stage: string;
  /**
   * The CLOUDFRONT web ACL of the distribution, from the companion stack in us-east-1 (lib/edge-stack.ts; bin/app.ts
   * wires it as a cross-region reference). Without it (an env-agnostic synth) the distribution has no web ACL.
   */
  readonly webAclArn?: string;
}

export class TriviaStack extends Stack {
  readonly stage: string;
  readonly tables: Record<TableId, Table>;
  readonly queues: Record<QueueId, Queue>;
  /** The dead-letter queue of each queue. */
  readonly dlqs: Record<QueueId, Queue>;
  /** The dead-letter queue of the stream event sources (batches that failed all retries). */
  readonly streamDlq: Queue;
  readonly topics: Record<TopicId, Topic>;
  readonly notificationsTopic: Topic;
  readonly functions: Record<FunctionId, TriviaFunction>;
  readonly api: Api;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly runner: Runner;
  /** Dashboard, alarms and their topic, and the canary where context `canary=true` (lib/constructs/monitoring.ts). */
  readonly monitoring: Monitoring;
  /** The question-media bucket and the access-log bucket. */
  readonly media: MediaStorage;
  /** CloudFront in front of the API and the media bucket. */
  readonly cdn: Cdn;
  readonly webApps: WebApps;
  /** Deployment settings given to the functions that read them (lib/wiring.ts `settings`); may be tokens. */
  readonly settings: Record<SettingId, string>;
  /** The domain-events bus, its replay archive, and the analytics archive (Firehose → S3, Glue table, Athena). */
  readonly analytics: Analytics;
  /** The header that proves a request came through CloudFront, and its rotation (lib/constructs/origin-secret.ts). */
  readonly originSecret: OriginSecret;
  /** Per-route throttles and reserved concurrency (lib/constructs/throttles.ts, numbers in lib/sizing.ts). */
  readonly throttles: Throttles;
  /** The REGIONAL web ACL on the user pool (sign-in is not behind CloudFront). */
  readonly userPoolWebAcl: UserPoolWebAcl;
  /** The pre token generation trigger that gates the admin group on TOTP (lib/constructs/admin-mfa.ts). */
  readonly adminMfa: AdminMfaGate;
  readonly webAclArn?: string;

  constructor(scope: Construct, id: string, props: TriviaStackProps) {
    super(scope, id, props);
    this.stage = props.stage;

    const data = new Data(this, 'Data', { stage: props.stage });
    const auth = new Auth(this, 'Auth', { stage: props.stage });
    const ingest = new Ingest(this, 'Ingest');
    this.tables = data.tables;
    this.queues = ingest.queues;
    this.dlqs = ingest.dlqs;
    this.streamDlq = ingest.streamDlq;
    this.topics = ingest.topics;
    this.notificationsTopic = ingest.topics.notifications;
    this.userPool = auth.userPool;
    this.userPoolClient = auth.userPoolClient;
    this.media = new MediaStorage(this, 'Media', { stage: props.stage });
    this.analytics = new Analytics(this, 'Analytics', { stage: props.stage, accessLogsBucket: this.media.logBucket });
    this.settings = {
      // The distribution is created after the API (its origin), which is created after the functions: resolved at synth.
      cdnUrl: Lazy.string({ produce: () => this.cdn.url }),
      // Context `responseShards`; 128 in prod, 16 elsewhere (lib/sizing.ts has the arithmetic).
      responseShards: String(responseShards((name) => this.node.tryGetContext(name), isProd(props.stage))),
    };

    this.functions = new Functions(this, 'Functions', {
      stage: props.stage,
      tables: this.tables,
      queues: this.queues,
      topics: this.topics,
      buckets: { media: this.media.bucket },
      buses: { events: this.analytics.bus },
      settings: this.settings,
      deadLetterQueues: { ...this.dlqs, streams: this.streamDlq },
    }).functions;

    new QueueConsumers(this, 'QueueConsumers', { functions: this.functions, queues: this.queues });
    new Streams(this, 'Streams', { functions: this.functions, tables: this.tables, failureDlq: this.streamDlq });
    this.runner = new Runner(this, 'Runner', { functions: this.functions });
    this.api = new Api(this, 'Api', {
      stage: props.stage,
      functions: this.functions,
      userPool: auth.userPool,
      userPoolClient: auth.userPoolClient,
    });

    this.originSecret = new OriginSecret(this, 'OriginSecret', { stage: props.stage, functions: this.functions });
    this.webAclArn = props.webAclArn;
    this.cdn = new Cdn(this, 'Cdn', {
      stage: props.stage,
      api: this.api,
      media: this.media,
      apiOriginHeaders: this.originSecret.originHeaders(),
      webAclArn: props.webAclArn,
    });
    this.originSecret.attachDistribution(this.cdn.distribution);
    this.throttles = new Throttles(this, 'Throttles', {
      api: this.api,
      functions: this.functions,
      reservedConcurrency: reservedConcurrency((name) => this.node.tryGetContext(name), isProd(props.stage)),
    });
    this.userPoolWebAcl = new UserPoolWebAcl(this, 'UserPoolWebAcl', { stage: props.stage, userPool: this.userPool });
    this.adminMfa = new AdminMfaGate(this, 'AdminMfa', { stage: props.stage, userPool: this.userPool });
    this.webApps = new WebApps(this, 'WebApps', {
      cdn: this.cdn,
      media: this.media,
      // Tests point this at a small fixture; `cdk synth` builds web/dist first (bin/app.ts).
      distDir: String(this.node.tryGetContext('webDistDir') ?? WEB_DIST),
      // The apps' config.json: the API on the same CloudFront origin, the user pool, sign-up with email confirmation.
      config: {
        ApiUrl: this.cdn.url,
        UserPoolId: auth.userPool.userPoolId,
        UserPoolClientId: auth.userPoolClient.userPoolClientId,
        CognitoEndpoint: `https://cognito-idp.${this.region}.amazonaws.com`,
        SignUpEnabled: true,
        Stage: props.stage,
      },
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: props.stage,
      api: this.api,
      apiBaseUrl: this.cdn.url,
      functions: this.functions,
      tables: this.tables,
      queues: this.queues,
      deadLetterQueues: { ...this.dlqs, streams: this.streamDlq },
      userPoolClient: this.userPoolClient,
    });

    // The CDN URL: the execute-api endpoint refuses direct calls (403 direct_access_forbidden, docs/SECURITY.md).
    new CfnOutput(this, 'ApiUrl', { value: this.cdn.url, description: 'Base URL of the API, through CloudFront (routes start with /api/v1)' });
    new CfnOutput(this, 'CdnUrl', {
      value: this.cdn.url,
      description: 'CloudFront: the same API (routes start with /api/v1; episode reads cached up to 1 s) and question media (/media/*)',
    });
    new CfnOutput(this, 'AppUrl', { value: `${this.cdn.url}/`, description: 'The player app (/) and the host console (/console/)' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'CognitoEndpoint', {
      value: `https://cognito-idp.${this.region}.amazonaws.com`,
      description: 'Cognito endpoint for InitiateAuth (USER_PASSWORD_AUTH)',
    });
    new CfnOutput(this, 'NotificationsTopicArn', { value: this.notificationsTopic.topicArn });
    new CfnOutput(this, 'EventBusName', { value: this.analytics.bus.eventBusName, description: 'EventBridge bus of the domain events' });
    new CfnOutput(this, 'EventsArchiveBucket', { value: this.analytics.bucket.bucketName, description: 'S3 archive of the domain events (events/event_type=<type>/dt=<day>/)' });
    new CfnOutput(this, 'AnalyticsDatabase', { value: this.analytics.databaseName, description: 'Glue database with the `events` table (Athena workgroup <stack>-analytics)' });

    Tags.of(this).add('project', 'trivia-live');
    Tags.of(this).add('stage', props.stage);

    applyNagSuppressions(this);
  }
}
