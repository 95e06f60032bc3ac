/**
 * An EventBridge schedule rule (`rate(N minutes)`), locally: a timer that invokes the function with a scheduled event
 * every interval, the first time one interval after the start (as a new rule does). Invocations may overlap, as
 * EventBridge's do; an error is logged (the deployed rule's async retries are not emulated).
 */
import { scheduledEvent } from './events.ts';
import { errorFields, silentLog, type LocalLog } from './log.ts';
import type { Invoke } from './runtime.ts';
import type { BatchOutcome, Poller } from './sqsPoller.ts';

export interface ScheduleOptions {
  name: string;
  intervalMs: number;
  ruleArn: string;
  invoke: Invoke;
  log?: LocalLog;
  onFire?: (outcome: BatchOutcome) => void;
}

export function startSchedule(options: ScheduleOptions): Poller {
  const log = options.log ?? silentLog;
  const inFlight = new Set<Promise<void>>();
  const fire = () => {
    const started = Date.now();
    const p = options
      .invoke(scheduledEvent(options.ruleArn, started))
      .then(
        () => {
          options.onFire?.({ source: options.name, records: 1, failed: 0, ms: Date.now() - started });
          log.debug('scheduled invocation', { source: options.name, ms: Date.now() - started });
        },
        (err: unknown) => {
          options.onFire?.({ source: options.name, records: 1, failed: 1, ms: Date.now() - started, error: (err as Error).message });
          log.warn('scheduled invocation failed', { source: options.name, ...errorFields(err) });
        },
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const timer = setInterval(fire, options.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all([...inFlight]);
    },
  };
}
