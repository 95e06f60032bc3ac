/**
 * Logger, metrics and tracer are created once per container and shared by every handler (Powertools style).
 *
 * Logs are JSON lines with the correlation keys the handlers append (request_id, route, user_id, episode_id,
 * question_index, message_id); secret keys (tokens, passwords, answer keys) are written as "[redacted]" whatever
 * logs them (lambda/shared/redact.ts). Metrics are EMF in the `TriviaLive` namespace with the dimensions `service` and
 * `stage`, so that the stages of one account keep apart (the dashboard and alarms of a stage select by `stage`).
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metricNames.ts';
import { logReplacer } from './redact.ts';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? SERVICE_NAME;

export const logger = new Logger({
  serviceName,
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
  jsonReplacerFn: logReplacer,
});
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE,
  defaultDimensions: { stage: process.env.STAGE ?? 'local' },
});
// Off outside Lambda and in the local stack (POWERTOOLS_TRACE_ENABLED=false): then the capture calls below change nothing.
export const tracer = new Tracer({ serviceName, enabled: process.env.POWERTOOLS_TRACE_ENABLED !== 'false' && !!process.env.AWS_LAMBDA_FUNCTION_NAME });

/** The function this module instance serves (its last invocation's context; the local runtime keeps one per function). */
const invoked: { functionName?: string } = {};
export const invokedFunctionName = () => process.env.AWS_LAMBDA_FUNCTION_NAME ?? invoked.functionName;

/** An SDK client whose calls show as subsegments of the invocation's X-Ray trace (the client itself when tracing is off). */
export const traced = <T>(client: T): T => tracer.captureAWSv3Client(client);

/**
 * Every handler's observability, in one place: an X-Ray segment per invocation, the logger's Lambda context (keys reset
 * after each invocation) and, for handlers that emit metrics, one EMF flush per invocation.
 */
export function observed<E, R>(base: (event: E, context: Context) => Promise<R>, options: { metrics?: boolean } = {}) {
  const named = (event: E, context: Context) => {
    invoked.functionName = context.functionName;
    return base(event, context);
  };
  const handler = middy(named).use(captureLambdaHandler(tracer)).use(injectLambdaContext(logger, { resetKeys: true }));
  return options.metrics ? handler.use(logMetrics(metrics)) : handler;
}
