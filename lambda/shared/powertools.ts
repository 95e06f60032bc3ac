/**
 * Logger, metrics and tracer are created once per container and shared by every handler (Powertools style).
 *
 * Logs are JSON lines with the correlation keys the handlers append (request_id, route, user_id, episode_id,
 * question_index, message_id); secret keys (tokens, passwords, answer keys) are written as "[redacted]" whatever
 * logs them (lambda/shared/redact.ts). Metrics are EMF in the `TriviaLive` namespace with the dimensions `service` and
 * `stage`, so that the stages of one account keep apart (the dashboard and alarms of a stage select by `stage`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { logReplacer } from './redact.ts';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'trivia-live';

export const logger = new Logger({
  serviceName,
  logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
  jsonReplacerFn: logReplacer,
});
export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'TriviaLive',
  defaultDimensions: { stage: process.env.STAGE ?? 'local' },
});
export const tracer = new Tracer({ serviceName, enabled: process.env.POWERTOOLS_TRACE_ENABLED !== 'false' && !!process.env.AWS_LAMBDA_FUNCTION_NAME });
