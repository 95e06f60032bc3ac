/**
 * The functions' own metrics, one table for both sides: the handlers emit them (Powertools EMF, `metrics.addMetric`)
 * and the stack graphs and alarms on them (lib/constructs/monitoring/). Pure: lib/ imports it, it imports nothing.
 *
 * Every metric has the dimensions `service` (SERVICE_NAME) and `stage` (the stage's name, so that the stages of one
 * account keep apart); the ones with a `dimension` below have that one too, with the values it names.
 */

/** The CloudWatch namespace of our metrics (POWERTOOLS_METRICS_NAMESPACE of every function). */
export const METRICS_NAMESPACE = 'TriviaLive';
/** The `service` dimension of our metrics and our logs (POWERTOOLS_SERVICE_NAME of every function). */
export const SERVICE_NAME = 'trivia-live';

/** The units we emit; the same strings as Powertools' MetricUnit. */
type Unit = 'Count' | 'Milliseconds';

interface MetricFact {
  readonly unit: Unit;
  /** The extra dimension, where the metric is broken down. */
  readonly dimension?: 'reason' | 'step' | 'queue';
  /** What one data point means. */
  readonly meaning: string;
}

export const METRICS = {
  AnswersAccepted: { unit: 'Count', meaning: 'an answer accepted by POST /response and queued for storing' },
  AnswersRejected: { unit: 'Count', dimension: 'reason', meaning: 'an answer refused by POST /response, by error code' },
  Rejections: { unit: 'Count', dimension: 'reason', meaning: 'a request refused by any route with a 4xx, by error code' },
  AnswersStored: { unit: 'Count', meaning: 'an answer written by the answers consumer' },
  AnswersDuplicateDropped: { unit: 'Count', meaning: 'an answer the consumer found already stored (a redelivered message)' },
  Registrations: { unit: 'Count', meaning: 'a player registered for an episode' },
  RegistrationsRepeated: { unit: 'Count', meaning: 'a registration that was already there (the same player again)' },
  RunnerTransitions: { unit: 'Count', dimension: 'step', meaning: 'a step the episode runner took, by step' },
  RunnerFailures: { unit: 'Count', meaning: 'a runner tick or sweep that could not advance an episode' },
  CloseToFinalMs: { unit: 'Milliseconds', meaning: "from a question's window closing to its final statistics" },
  DeadLettersRecorded: { unit: 'Count', dimension: 'queue', meaning: 'a message found in a dead-letter queue and recorded, by queue' },
  CanarySuccess: { unit: 'Count', meaning: 'a canary run: 1 passed, 0 failed' },
  CanaryDurationMs: { unit: 'Milliseconds', meaning: "a canary run's duration" },
  CanaryCloseToEndMs: { unit: 'Milliseconds', meaning: "in a passed canary run, from the question's close to the episode's end" },
  LivePublishFailures: { unit: 'Count', meaning: 'a live event not published after its retries (the stream relay publishes it)' },
  ClientEventsStored: { unit: 'Count', meaning: 'client (web app) events stored from a batch' },
  ClientEventsRejected: { unit: 'Count', meaning: 'client events of a batch refused and recorded as errors' },
} as const satisfies Record<string, MetricFact>;

export type MetricName = keyof typeof METRICS;
/** The metrics that have an extra dimension. */
export type DimensionedMetricName = { [K in MetricName]: (typeof METRICS)[K] extends { dimension: string } ? K : never }[MetricName];

/** Each name under its own name, so that a call site writes `metricName.AnswersAccepted` and a misspelling does not compile. */
export const metricName = Object.fromEntries(Object.keys(METRICS).map((name) => [name, name])) as { readonly [K in MetricName]: K };
