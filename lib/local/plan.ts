/**
 * What the local stack serves, read from lib/wiring.ts: the API routes, the SQS and DynamoDB stream event sources,
 * the schedules and the Event API's channel namespaces. The stack starts exactly these (and tests compare them with the wiring and the CDK template).
 */
import { functions, namespaces as wiredNamespaces, type FunctionId, type NamespaceId, type FunctionSpec, type Trigger } from '../wiring.ts';
import { type QueueId, type TableId } from '../../lambda/shared/resources.ts';
import { createRouter, type RouteEntry } from './router.ts';

export interface QueueSource {
  functionId: FunctionId;
  queue: QueueId;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  maxConcurrency?: number;
}

export interface StreamSource {
  functionId: FunctionId;
  table: TableId;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  retryAttempts: number;
  parallelizationFactor: number;
}

export interface ScheduleSource {
  functionId: FunctionId;
  rateMinutes: number;
  /** The schedule's position among its function's schedules (for the rule name). */
  index: number;
}

export interface LocalPlan {
  routes: RouteEntry[];
  queueSources: QueueSource[];
  streamSources: StreamSource[];
  schedules: ScheduleSource[];
  /** The local Event API's channel namespaces (lib/local/eventApi/). */
  namespaces: NamespaceId[];
}

export function localPlan(specs: Record<string, FunctionSpec> = functions, namespaces: readonly NamespaceId[] = wiredNamespaces): LocalPlan {
  const plan: LocalPlan = { routes: [], queueSources: [], streamSources: [], schedules: [], namespaces: [...namespaces] };
  const http: Omit<RouteEntry, 'routeKey'>[] = [];
  for (const [id, spec] of Object.entries(specs)) {
    const functionId = id as FunctionId;
    let scheduleIndex = 0;
    for (const t of spec.triggers as Trigger[]) {
      switch (t.kind) {
        case 'http':
          http.push({ functionId, method: t.method, path: t.path, auth: t.auth });
          break;
        case 'queue':
          plan.queueSources.push({
            functionId,
            queue: t.queue,
            batchSize: t.batchSize,
            maxBatchingWindowSeconds: t.maxBatchingWindowSeconds,
            ...(t.maxConcurrency ? { maxConcurrency: t.maxConcurrency } : {}),
          });
          break;
        case 'stream':
          plan.streamSources.push({
            functionId,
            table: t.table,
            batchSize: t.batchSize,
            maxBatchingWindowSeconds: t.maxBatchingWindowSeconds,
            retryAttempts: t.retryAttempts,
            parallelizationFactor: t.parallelizationFactor,
          });
          break;
        case 'schedule':
          plan.schedules.push({ functionId, rateMinutes: t.rateMinutes, index: scheduleIndex++ });
          break;
      }
    }
  }
  plan.routes = createRouter(http).routes;
  return plan;
}
