/**
 * Per-route throttles on the API stage and reserved concurrency for the answers consumer and the runner, with the
 * numbers of lib/sizing.ts (where the arithmetic is). Applied after the API, the functions and their event sources
 * exist; kept apart from lib/constructs/api.ts so the route table lives in one place.
 */
import type { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { CfnEventSourceMapping, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RESERVED_CONCURRENCY, routeThrottle } from '../sizing.ts';
import type { FunctionId } from '../wiring.ts';
import type { Api } from './api.ts';
import type { TriviaFunction } from './functions.ts';

export interface ThrottlesProps {
  readonly api: Api;
  readonly functions: Record<FunctionId, TriviaFunction>;
  /** Reserved concurrency per function, or undefined where the stage reserves none (lib/sizing.ts). */
  readonly reservedConcurrency?: typeof RESERVED_CONCURRENCY;
}

export class Throttles extends Construct {
  /** Route key → the limits set on it (routes absent here share the stage limit alone). */
  readonly routeLimits: Record<string, { rateLimit: number; burstLimit: number }> = {};

  constructor(scope: Construct, id: string, props: ThrottlesProps) {
    super(scope, id);
    const stage = props.api.stage.node.defaultChild as CfnStage;
    const defaults = stage.defaultRouteSettings as { throttlingRateLimit?: number } | undefined;
    const stageRate = defaults?.throttlingRateLimit;
    if (typeof stageRate !== 'number') throw new Error('the API stage has no numeric default throttle rate');

    for (const { trigger } of props.api.routes) {
      const routeKey = `${trigger.method} ${trigger.path}`;
      const limit = routeThrottle(routeKey, trigger.auth, stageRate);
      if (limit) this.routeLimits[routeKey] = limit;
    }
    // RouteSettings is untyped JSON in the L1: CloudFormation's own (PascalCase) names.
    stage.routeSettings = Object.fromEntries(
      Object.entries(this.routeLimits).map(([key, l]) => [key, { ThrottlingRateLimit: l.rateLimit, ThrottlingBurstLimit: l.burstLimit }]),
    );

    for (const [functionId, reserved] of Object.entries(props.reservedConcurrency ?? {}) as [FunctionId, number][]) {
      const fn = props.functions[functionId];
      (fn.fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions = reserved;
      // SQS must not invoke more instances than are reserved: a throttled batch waits out its visibility timeout.
      for (const mapping of fn.fn.node.findAll().filter((c): c is CfnEventSourceMapping => c instanceof CfnEventSourceMapping)) {
        mapping.scalingConfig = { maximumConcurrency: reserved };
      }
    }
  }
}
