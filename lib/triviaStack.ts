/** The Trivia Live stack, built from the one definition of the wiring in lib/wiring.ts. */
import { CfnOutput, Fn, Lazy, NestedStack, Stack, Tags, type CfnResource, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Api } from './constructs/api.ts';
import { Auth } from './constructs/auth.ts';
import { Analytics } from './constructs/analytics.ts';
import { AnalyticsModels } from './constructs/analyticsModels.ts';
import { Cdn, MediaStorage } from './constructs/cdn.ts';
import { Data } from './constructs/data.ts';
import { DataProtection, PlayerDataKey } from './constructs/dataProtection.ts';
import { Deployments } from './constructs/deployments.ts';
import { Functions, type TriviaFunction } from './constructs/functions.ts';
import { Ingest, QueueConsumers } from './constructs/ingest.ts';
import { LiveChannel } from './constructs/liveChannel.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Runner } from './constructs/runner.ts';
import { isProd } from './constructs/support.ts';
import { Streams } from './constructs/streams.ts';
import { WebApps } from './constructs/webApps.ts';
import { WEB_DIST } from './webBuild.ts';
import { AdminMfaGate } from './constructs/adminMfa.ts';
import { OriginSecret } from './constructs/originSecret.ts';
import { Throttles } from './constructs/throttles.ts';
import { UserPoolWebAcl } from './constructs/waf.ts';
import { applyNagSuppressions } from './nagSuppressions.ts';
import { applyDataProtectionNagSuppressions } from './nagSuppressionsData.ts';
import { contextReader, contextString } from './cdkContext.ts';
import { reservedConcurrency, responseShards } from './sizing.ts';
import type { FunctionId } from './wiring.ts';
import type { QueueId, SettingId, TableId, TopicId } from '../lambda/shared/resources.ts';

export interface TriviaStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`, ...): `prod` keeps data on deletion and logs for a year. */
  readonly stage: string;
  /**
   * The CLOUDFRONT web ACL of the distribution, from the companion stack in us-east-1 (lib/edgeStack.ts; bin/app.ts
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
  /** The key that signs page cursors (setting `cursorKey`). */
  readonly cursorKey: Secret;
  /** The domain-events bus, its replay archive, and the analytics archive (Firehose → S3, Glue table, Athena). */
  readonly analytics: Analytics;
  /** The header that proves a request came through CloudFront, and its rotation (lib/constructs/originSecret.ts). */
  readonly originSecret: OriginSecret;
  /** Per-route throttles and reserved concurrency (lib/constructs/throttles.ts, numbers in lib/sizing.ts). */
  readonly throttles: Throttles;
  /** The REGIONAL web ACL on the user pool (sign-in is not behind CloudFront). */
  readonly userPoolWebAcl: UserPoolWebAcl;
  /** The pre token generation trigger that gates the admin group on TOTP (lib/constructs/adminMfa.ts). */
  readonly adminMfa: AdminMfaGate;
  readonly webAclArn?: string;
  /** The client events' Glue table and the layered Athena views (staging → business → reports). */
  readonly analyticsModels: AnalyticsModels;
  /** The customer-managed key of player data (tables, the answers queue, the events archive, backups, the trail). */
  readonly playerDataKey: PlayerDataKey;
  /** The backup plan of the tables and the audit trail. */
  readonly dataProtection: DataProtection;
  /** CodeDeploy moves every function's `live` alias, rolled back on the stage's alarms. */
  readonly deployments: Deployments;
  /** The AppSync Events API that pushes every transition to the players (lib/constructs/liveChannel.ts). */
  readonly liveChannel: LiveChannel;

  constructor(scope: Construct, id: string, props: TriviaStackProps) {
    super(scope, id, props);
    this.stage = props.stage;

    this.playerDataKey = new PlayerDataKey(this, 'PlayerData', { stage: props.stage });
    const encryptionKey = this.playerDataKey.key;
    const data = new Data(this, 'Data', { stage: props.stage, encryptionKey });
    const auth = new Auth(this, 'Auth', { stage: props.stage });
    const ingest = new Ingest(this, 'Ingest', { encryptionKey });
    this.tables = data.tables;
    this.queues = ingest.queues;
    this.dlqs = ingest.dlqs;
    this.streamDlq = ingest.streamDlq;
    this.topics = ingest.topics;
    this.notificationsTopic = ingest.topics.notifications;
    this.userPool = auth.userPool;
    this.userPoolClient = auth.userPoolClient;
    this.media = new MediaStorage(this, 'Media', { stage: props.stage });
    this.liveChannel = new LiveChannel(this, 'LiveChannel', { stage: props.stage, userPool: auth.userPool, userPoolClient: auth.userPoolClient });
    this.analytics = new Analytics(this, 'Analytics', { stage: props.stage, accessLogsBucket: this.media.logBucket, encryptionKey });
    // A nested stack of its own: one Glue table per view would otherwise take this stack past CloudFormation's 500
    // resources, and the models change with the SQL, not with the functions.
    const models = new NestedStack(this, 'AnalyticsModelsStack', { description: 'Trivia Live: the Athena views over the analytics lake' });
    this.analyticsModels = new AnalyticsModels(models, 'AnalyticsModels', { analytics: this.analytics });
    this.cursorKey = new Secret(this, 'CursorKey', {
      description: 'Signs the opaque page cursors of API v1 listings (HMAC-SHA256)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    this.settings = {
      // The distribution is created after the API (its origin), which is created after the functions: resolved at synth.
      cdnUrl: Lazy.string({ produce: () => this.cdn.url }),
      // Context `responseShards`; 128 in prod, 16 elsewhere (lib/sizing.ts has the arithmetic).
      responseShards: String(responseShards(contextReader(this.node), isProd(props.stage))),
      // Signs page cursors (lambda/shared/cursor.ts): generated by Secrets Manager, resolved by CloudFormation at deploy
      // (a dynamic reference: the value is in no template).
      cursorKey: this.cursorKey.secretValue.unsafeUnwrap(),
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
      userPool: auth.userPool,
      liveChannel: this.liveChannel,
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
      reservedConcurrency: reservedConcurrency(contextReader(this.node), isProd(props.stage)),
    });
    this.userPoolWebAcl = new UserPoolWebAcl(this, 'UserPoolWebAcl', { stage: props.stage, userPool: this.userPool });
    this.adminMfa = new AdminMfaGate(this, 'AdminMfa', { stage: props.stage, userPool: this.userPool });
    this.webApps = new WebApps(this, 'WebApps', {
      cdn: this.cdn,
      media: this.media,
      // Tests point this at a small fixture; `cdk synth` builds web/dist first (bin/app.ts).
      distDir: contextString(contextReader(this.node), 'webDistDir') ?? WEB_DIST,
      // The apps' config.json: the API on the same CloudFront origin, the user pool, sign-up with email confirmation.
      config: {
        ApiUrl: this.cdn.url,
        UserPoolId: auth.userPool.userPoolId,
        UserPoolClientId: auth.userPoolClient.userPoolClientId,
        CognitoEndpoint: `https://cognito-idp.${this.region}.amazonaws.com`,
        EventApiHttpEndpoint: this.liveChannel.httpEndpoint,
        EventApiRealtimeEndpoint: this.liveChannel.realtimeEndpoint,
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
      liveChannel: this.liveChannel,
    });

    const stageAlarms = (['api5xxRate', 'runnerErrors', 'deadLetters-answers', 'deadLetters-runnerTicks', 'deadLetters-streams'] as const)
      .map((a) => this.monitoring.alarms[a])
      .filter((a) => a !== undefined);
    // A nested stack of its own (a deployment group and its gate per function): with them this stack would pass
    // CloudFormation's 500 resources.
    const deploys = new NestedStack(this, 'DeploymentsStack', { description: "Trivia Live: CodeDeploy groups that move the functions' live aliases" });
    this.deployments = new Deployments(deploys, 'Deployments', { stage: props.stage, functions: this.functions, stageAlarms });
    // CDK writes each alias's update policy with Refs, which do not cross into the nested stack: name the application and
    // the group through the nested stack's outputs instead.
    const output = (id: string, value: string) => Fn.getAtt(deploys.nestedStackResource!.logicalId, `Outputs.${deploys.getLogicalId(new CfnOutput(deploys, id, { value }))}`).toString();
    const applicationName = output('ApplicationName', this.deployments.application.applicationName);
    for (const [id, group] of Object.entries(this.deployments.groups) as [FunctionId, (typeof this.deployments.groups)[FunctionId]][]) {
      const alias = this.functions[id].alias.node.defaultChild as CfnResource;
      alias.cfnOptions.updatePolicy = {
        codeDeployLambdaAliasUpdate: { applicationName, deploymentGroupName: output(`${id}DeploymentGroup`, group.deploymentGroupName) },
      };
      // The group must exist before the alias moves through it (an update policy is not a reference CloudFormation follows).
      alias.addDependency(deploys.nestedStackResource!);
    }
    this.dataProtection = new DataProtection(this, 'DataProtection', {
      stage: props.stage,
      key: encryptionKey,
      tables: this.tables,
      accessLogsBucket: this.media.logBucket,
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
    new CfnOutput(this, 'EventApiHttpEndpoint', { value: this.liveChannel.httpEndpoint, description: 'Live channel (AppSync Events): HTTP endpoint, for publishing (IAM only)' });
    new CfnOutput(this, 'EventApiRealtimeEndpoint', {
      value: this.liveChannel.realtimeEndpoint,
      description: 'Live channel (AppSync Events): WebSocket endpoint; players subscribe to /episodes/<episode_id> with their Cognito token',
    });
    new CfnOutput(this, 'NotificationsTopicArn', { value: this.notificationsTopic.topicArn });
    new CfnOutput(this, 'EventBusName', { value: this.analytics.bus.eventBusName, description: 'EventBridge bus of the domain events' });
    new CfnOutput(this, 'EventsArchiveBucket', { value: this.analytics.bucket.bucketName, description: 'S3 archive of the domain events (events/event_type=<type>/dt=<day>/)' });
    new CfnOutput(this, 'AnalyticsDatabase', { value: this.analytics.databaseName, description: 'Glue database with the `events` table (Athena workgroup <stack>-analytics)' });

    Tags.of(this).add('project', 'trivia-live');
    Tags.of(this).add('stage', props.stage);

    applyNagSuppressions(this);
    applyDataProtectionNagSuppressions(this);
  }
}
