/**
 * The live channel (DESIGN.md, "Live channel"): an AppSync Events API with one channel namespace per entry of the
 * wiring's `namespaces`. Players subscribe with their Cognito token (the REST API's pool and client); only IAM can
 * publish, and only the functions whose spec `publishesLive` get appsync:EventPublish, on their namespace alone
 * (granted in functions.ts, like every other grant). Errors of the API are logged to a log group the stack owns.
 *
 * Created before the functions: the publishers need its HTTP endpoint in their environment.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { AppSyncAuthorizationType, AppSyncFieldLogLevel, EventApi, type CfnApi, type ChannelNamespace } from 'aws-cdk-lib/aws-appsync';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { namespaces as namespaceIds, type NamespaceId } from '../wiring.ts';
import { logRetentionFor, pascal, removalPolicyFor } from './support.ts';

/** Who may do what on every namespace: players' tokens subscribe, IAM principals (the publishing functions) publish. */
export const SUBSCRIBE_AUTH = [AppSyncAuthorizationType.USER_POOL] as const;
export const PUBLISH_AUTH = [AppSyncAuthorizationType.IAM] as const;

/**
 * Only errors are logged (failed authorizations, malformed publishes). ALL or INFO would log every connect, subscribe
 * and delivery: at a million players that is millions of lines per show, for what the CloudWatch metrics already count.
 */
export const LIVE_LOG_LEVEL = AppSyncFieldLogLevel.ERROR;

/**
 * AppSync Events metrics (namespace AWS/AppSync; "CloudWatch metrics", AWS AppSync Events Developer Guide): the HTTP
 * endpoint's (publishing: 4XXError, 5XXError, Latency) carry the dimension EventAPIId; the real-time endpoint's
 * (ConnectSuccess, ConnectClientError, ConnectServerError, SubscribeClientError, SubscribeServerError,
 * PublishDataMessageSuccess, PublishDataMessageClientError, PublishDataMessageServerError, ActiveConnections, ...)
 * carry EventAPIId and ChannelNamespaceName. GraphQL APIs publish the same names under GraphQLAPIId instead.
 */
export const EVENT_API_METRICS_NAMESPACE = 'AWS/AppSync';
export type EventApiHttpMetric = '4XXError' | '5XXError' | 'Latency';
export type EventApiRealtimeMetric =
  | 'ConnectSuccess'
  | 'ConnectClientError'
  | 'ConnectServerError'
  | 'SubscribeClientError'
  | 'SubscribeServerError'
  | 'PublishDataMessageSuccess'
  | 'PublishDataMessageClientError'
  | 'PublishDataMessageServerError'
  | 'ActiveConnections';

export interface LiveChannelProps {
  readonly stage: string;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
}

export class LiveChannel extends Construct {
  readonly api: EventApi;
  readonly namespaces: Record<NamespaceId, ChannelNamespace>;
  /** `/aws/appsync/apis/<apiId>`, where AppSync writes the API's logs, with the stack's retention. */
  readonly logGroup: LogGroup;
  /** The role AppSync assumes to write them: that log group only. */
  readonly loggingRole: Role;
  /** `https://<httpDns>/event`: where functions publish (envNames.eventApi). */
  readonly httpEndpoint: string;
  /** `wss://<realtimeDns>/event/realtime`: where players subscribe. */
  readonly realtimeEndpoint: string;

  constructor(scope: Construct, id: string, props: LiveChannelProps) {
    super(scope, id);

    this.api = new EventApi(this, 'EventApi', {
      apiName: `${Stack.of(this).stackName}-live`,
      authorizationConfig: {
        authProviders: [
          {
            authorizationType: AppSyncAuthorizationType.USER_POOL,
            // The REST API's JWT authorizer accepts this client's tokens only; so does the channel.
            cognitoConfig: { userPool: props.userPool, appIdClientRegex: `^${props.userPoolClient.userPoolClientId}$` },
          },
          { authorizationType: AppSyncAuthorizationType.IAM },
        ],
        connectionAuthModeTypes: [AppSyncAuthorizationType.USER_POOL, AppSyncAuthorizationType.IAM],
        defaultPublishAuthModeTypes: [...PUBLISH_AUTH],
        defaultSubscribeAuthModeTypes: [...SUBSCRIBE_AUTH],
      },
    });

    this.namespaces = Object.fromEntries(
      namespaceIds.map((ns) => [
        ns,
        this.api.addChannelNamespace(`${pascal(ns)}Namespace`, {
          channelNamespaceName: ns,
          // Set on the namespace too, so that a change of the API's defaults cannot open publishing to tokens.
          authorizationConfig: { publishAuthModeTypes: [...PUBLISH_AUTH], subscribeAuthModeTypes: [...SUBSCRIBE_AUTH] },
        }),
      ]),
    ) as Record<NamespaceId, ChannelNamespace>;

    // The L2's `logConfig` keeps the logs through a LogRetention custom resource (a helper Lambda function with a
    // managed policy) and a role with AWS's managed policy (logs on every log group). Instead the stack owns the log
    // group AppSync writes to, retained and expired like every other one, and AppSync may write to it alone. Without
    // logs:CreateLogGroup AppSync cannot create an unmanaged group of that name before this one exists.
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: logRetentionFor(props.stage),
      removalPolicy: removalPolicyFor(props.stage),
    });
    this.loggingRole = new Role(this, 'LoggingRole', {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: 'AppSync writes the error logs of the live channel',
    });
    this.logGroup.grantWrite(this.loggingRole);
    const cfnApi = this.api.node.defaultChild as CfnApi;
    cfnApi.eventConfig = {
      ...(cfnApi.eventConfig as CfnApi.EventConfigProperty),
      logConfig: { cloudWatchLogsRoleArn: this.loggingRole.roleArn, logLevel: LIVE_LOG_LEVEL },
    };

    this.httpEndpoint = `https://${this.api.httpDns}/event`;
    this.realtimeEndpoint = `wss://${this.api.realtimeDns}/event/realtime`;
  }

  /** A metric of the HTTP (publishing) endpoint, per minute. */
  metricHttp(metricName: EventApiHttpMetric, statistic = 'Sum'): Metric {
    return new Metric({ namespace: EVENT_API_METRICS_NAMESPACE, metricName, dimensionsMap: { EventAPIId: this.api.apiId }, statistic, period: Duration.minutes(1) });
  }

  /** A metric of the real-time (WebSocket) endpoint in one namespace, per minute. */
  metricRealtime(metricName: EventApiRealtimeMetric, namespace: NamespaceId, statistic = 'Sum'): Metric {
    return new Metric({
      namespace: EVENT_API_METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { EventAPIId: this.api.apiId, ChannelNamespaceName: namespace },
      statistic,
      period: Duration.minutes(1),
      label: `${namespace} ${metricName}`,
    });
  }
}
