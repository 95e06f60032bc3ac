/**
 * The HTTP API: every http trigger in lib/wiring.ts becomes a route to its function. Routes that are not public
 * need a Cognito token (JWT authorizer); whether the caller is an admin is the handler's check (cognito:groups).
 */
import { Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { contextNumber, contextReader } from '../cdkContext.ts';
import type { FunctionId, HttpTrigger } from '../wiring.ts';
import type { TriviaFunction } from './functions.ts';
import { logRetentionFor, removalPolicyFor, triggersOf } from './support.ts';

export const DEFAULT_THROTTLE_RATE_LIMIT = 10_000;
export const DEFAULT_THROTTLE_BURST_LIMIT = 5_000;

export interface ApiProps {
  readonly stage: string;
  readonly functions: Record<FunctionId, TriviaFunction>;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
}

export interface ApiRoute {
  readonly functionId: FunctionId;
  readonly trigger: HttpTrigger;
  readonly route: HttpRoute;
}

export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogGroup: LogGroup;
  readonly authorizer: HttpJwtAuthorizer;
  readonly routes: ApiRoute[] = [];
  /** The API's base URL, without a trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const context = contextReader(this.node);
    const region = Stack.of(this).region;

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `${Stack.of(this).stackName}-api`,
      description: `Trivia Live API (${props.stage})`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.DELETE],
        allowHeaders: ['Authorization', 'Content-Type'],
      },
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: logRetentionFor(props.stage),
      removalPolicy: removalPolicyFor(props.stage),
    });

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // Stage-wide rate and burst from context. Over them, API Gateway answers 429 itself, with its own body
      // {"message":"Too Many Requests"} (not the contract's error shape; clients retry any 429 with backoff), and the
      // request never reaches a function. The handlers' own 429 (DynamoDB throttling) has the contract's shape.
      // Tracing: HTTP APIs do not support X-Ray (REST APIs do); traces start at the functions (active tracing), and
      // the access log's requestId is the functions' request_id log key.
      throttle: {
        rateLimit: contextNumber(context, 'throttleRateLimit', { min: 0 }) ?? DEFAULT_THROTTLE_RATE_LIMIT,
        burstLimit: contextNumber(context, 'throttleBurstLimit', { min: 0 }) ?? DEFAULT_THROTTLE_BURST_LIMIT,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            method: '$context.httpMethod',
            path: '$context.path',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    this.authorizer = new HttpJwtAuthorizer(
      'CognitoJwtAuthorizer',
      `https://cognito-idp.${region}.amazonaws.com/${props.userPool.userPoolId}`,
      { jwtAudience: [props.userPoolClient.userPoolClientId] },
    );

    for (const fn of Object.values(props.functions)) {
      const httpTriggers = triggersOf(fn.spec, 'http');
      if (httpTriggers.length === 0) continue;
      const integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn.alias);
      for (const trigger of httpTriggers) {
        const [route] = this.httpApi.addRoutes({
          path: trigger.path,
          methods: [HttpMethod[trigger.method]],
          integration,
          authorizer: trigger.auth === 'public' ? undefined : this.authorizer,
        });
        this.routes.push({ functionId: fn.functionId, trigger, route });
      }
    }

    this.url = this.httpApi.apiEndpoint;
  }
}
