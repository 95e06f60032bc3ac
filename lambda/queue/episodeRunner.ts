/**
 * The episode runner, triggered two ways: its own delayed ticks on the runner-ticks queue (precise, per episode),
 * and an EventBridge rule every minute (a safety net that sweeps every live episode).
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord, ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { onRecordFailure } from '../usecases/deadLetters.ts';
import { logger, metrics, observed } from '../shared/powertools.ts';
import { metricName } from '../shared/metricNames.ts';
import { now, realMs } from '../shared/clock.ts';
import { listLiveEpisodeIds } from '../store/episodes.ts';
import { runEpisode, type RunOptions } from '../usecases/runEpisode.ts';

const tick = z.object({ episode_id: z.string().min(1), due_at: z.number().optional() });

const options: RunOptions = {
  clock: now,
  // Waits are in clock time; a local test clock may run faster than real time (lambda/shared/clock.ts).
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, realMs(ms))),
};

const isQueueEvent = (event: SQSEvent | ScheduledEvent): event is SQSEvent => Array.isArray((event as SQSEvent).Records);

async function onTicks(event: SQSEvent): Promise<SQSBatchResponse> {
  // One run per episode even when the batch holds several ticks for it.
  const byEpisode = new Map<string, SQSRecord[]>();
  const failures: string[] = [];
  for (const record of event.Records) {
    const parsed = tick.safeParse(safeJson(record.body));
    if (!parsed.success) {
      logger.error('malformed runner tick', { message_id: record.messageId });
      await onRecordFailure('runnerTicks', record, parsed.error);
      failures.push(record.messageId);
      continue;
    }
    byEpisode.set(parsed.data.episode_id, [...(byEpisode.get(parsed.data.episode_id) ?? []), record]);
  }
  await Promise.all(
    [...byEpisode].map(async ([episodeId, records]) => {
      try {
        await runEpisode(episodeId, options);
      } catch (err) {
        logger.error('runner failed', { episode_id: episodeId, error: err as Error });
        metrics.addMetric(metricName.RunnerFailures, MetricUnit.Count, 1);
        for (const record of records) await onRecordFailure('runnerTicks', record, err, { episode_id: episodeId });
        failures.push(...records.map((r) => r.messageId));
      }
    }),
  );
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** A little more than the sweep's period: the next sweep takes over anything due later. */
const SWEEP_HORIZON_MS = 70_000;

async function onSchedule(): Promise<void> {
  const ids = await listLiveEpisodeIds();
  const results = await Promise.allSettled(ids.map((id) => runEpisode(id, { ...options, scheduleHorizonMs: SWEEP_HORIZON_MS })));
  const failed = results.filter((r) => r.status === 'rejected');
  results.forEach((r, i) => {
    if (r.status === 'rejected') logger.error('sweep failed for an episode', { episode_id: ids[i], error: r.reason as Error });
  });
  if (failed.length > 0) metrics.addMetric(metricName.RunnerFailures, MetricUnit.Count, failed.length);
  logger.info('sweep done', { live_episodes: ids.length, failed: failed.length });
  if (failed.length > 0) throw new Error(`${failed.length} of ${ids.length} live episodes failed to advance`);
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

const base = async (event: SQSEvent | ScheduledEvent, _context: Context): Promise<SQSBatchResponse | void> =>
  isQueueEvent(event) ? onTicks(event) : onSchedule();

export const handler = observed(base, { metrics: true });
