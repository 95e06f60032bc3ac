/** Statistics of every event source of the local stack (HTTP routes, queues, streams, schedules): `/_local/stats`, tests, the bench. */
import type { EventApiStats } from './eventApi/server.ts';
import type { BatchOutcome } from './sqsPoller.ts';

export interface SourceStats {
  invocations: number;
  records: number;
  failedRecords: number;
  errors: number;
  /** Sum of invocation durations, ms (the benchmark's Lambda compute model uses it). */
  totalMs: number;
}

export interface ServedSources {
  routes: string[];
  queueSources: string[];
  streamSources: string[];
  schedules: string[];
}

export interface LocalStackStats {
  served: ServedSources;
  sources: Record<string, SourceStats>;
  /** The local Event API: connections, subscriptions, events published and data frames delivered. */
  eventApi: EventApiStats;
}

export interface SourceCounters {
  /** Adds one invocation (an HTTP request, a batch, a schedule's fire) to its source's figures. */
  count(outcome: BatchOutcome): void;
  /** A copy of every source's figures so far. */
  snapshot(): Record<string, SourceStats>;
}

export function createSourceCounters(): SourceCounters {
  const sources: Record<string, SourceStats> = {};
  return {
    count(o) {
      const s = (sources[o.source] ??= { invocations: 0, records: 0, failedRecords: 0, errors: 0, totalMs: 0 });
      s.invocations++;
      s.totalMs += o.ms;
      s.records += o.records;
      s.failedRecords += o.failed;
      if (o.error) s.errors++;
    },
    snapshot: () => structuredClone(sources),
  };
}
