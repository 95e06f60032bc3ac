/**
 * The canary (context `canary=true`; off by default): a one-question show through the public API on a schedule, as a
 * player would play it, reporting CanarySuccess; and its alarm. The handler is lambda/schedule/canary.ts.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { metricName } from '../../../lambda/shared/metricNames.ts';
import { contextFlag, contextReader, contextString } from '../../cdkContext.ts';
import { canaryFunction } from '../../wiring.ts';
import { TriviaFunction } from '../functions.ts';
import { triggersOf } from '../support.ts';
import type { AddAlarm } from './alarms.ts';
import type { StageMetrics } from './metrics.ts';

/** The Secrets Manager name of the canary's credentials, unless context `canarySecretName` says otherwise. */
export const canarySecretName = (stage: string) => `trivia-live/${stage}/canary`;

/** How often the canary runs: its schedule trigger in lib/wiring.ts. */
export const CANARY_RATE_MINUTES = triggersOf(canaryFunction, 'schedule')[0]?.rateMinutes ?? 5;

export interface CanaryProps {
  readonly stage: string;
  /** Where the canary calls the API (the CDN URL in the stack). */
  readonly apiUrl: string;
  readonly userPoolClient: IUserPoolClient;
}

/** Adds the canary, its schedule and its alarm to `scope` (the Monitoring construct) where context `canary=true`. */
export function addCanary(scope: Construct, props: CanaryProps, add: AddAlarm, m: StageMetrics): { canary: TriviaFunction<'canary'>; rule: Rule } | undefined {
  const context = contextReader(scope.node);
  if (!contextFlag(context, 'canary')) return undefined;
  const secretName = contextString(context, 'canarySecretName') ?? canarySecretName(props.stage);
  const secret = Secret.fromSecretNameV2(scope, 'CanarySecret', secretName);
  const canary = new TriviaFunction<'canary'>(scope, 'Canary', {
    functionId: 'canary',
    spec: canaryFunction,
    stage: props.stage,
    environment: {
      API_URL: props.apiUrl,
      COGNITO_ENDPOINT: `https://cognito-idp.${Stack.of(scope).region}.amazonaws.com`,
      USER_POOL_CLIENT_ID: props.userPoolClient.userPoolClientId,
      CANARY_SECRET_NAME: secretName,
    },
  });
  secret.grantRead(canary.fn);
  const rateMinutes = CANARY_RATE_MINUTES;
  const rule = new Rule(scope, 'CanarySchedule', {
    description: `Canary: a one-question show through the public API every ${rateMinutes} minutes`,
    schedule: Schedule.rate(Duration.minutes(rateMinutes)),
  });
  // No retries: a failed run is reported (CanarySuccess 0) and the next one comes on schedule.
  rule.addTarget(new LambdaFunction(canary.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(rateMinutes) }));

  // Canary failure: CanarySuccess below 1 in 2 consecutive runs (10 minutes); no value counts as a failure (the
  // canary did not run). The canary goes through every layer a player does, so one failed run is often a transient (a
  // cold start eating into its short window); two in a row mean players are affected.
  add('canaryFailed', {
    alarmDescription: 'The canary failed twice in a row (or did not run). Runbook: docs/operations.md#canary',
    metric: m.own(metricName.CanarySuccess, 'Minimum', Duration.minutes(rateMinutes)),
    threshold: 1,
    comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 2,
    treatMissingData: TreatMissingData.BREACHING,
  });
  return { canary, rule };
}
