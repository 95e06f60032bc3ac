import { deadLetterQueueIds } from '../shared/resources.ts';
import type { DeadLetterStatus } from '../domain/operations.ts';
import { httpHandler, json } from './httpHandler.ts';
import { deadLetterQueueUrl, depthOf, moveTasksOf, queueArnOf } from '../store/deadLetterQueues.ts';

/** `GET /api/v1/dlq`: every dead-letter queue's depth and latest redrives (admins). */
export const handler = httpHandler({ auth: 'admin' }, async () => {
  const queues = await Promise.all(
    deadLetterQueueIds().map(async (queue) => {
      const url = deadLetterQueueUrl(queue);
      const redrivable = queue !== 'streams';
      const [depth, tasks] = await Promise.all([depthOf(url), redrivable ? queueArnOf(url).then(moveTasksOf) : Promise.resolve([])]);
      return {
        queue,
        messages: depth.messages,
        in_flight: depth.inFlight,
        redrivable,
        move_tasks: tasks.map((t) => ({
          status: t.status,
          moved: t.moved,
          ...(t.toMove !== undefined ? { to_move: t.toMove } : {}),
          ...(t.startedAt !== undefined ? { started_at: t.startedAt } : {}),
          ...(t.failureReason ? { failure_reason: t.failureReason } : {}),
        })),
      };
    }),
  );
  const body: DeadLetterStatus = { queues };
  return json(200, body);
});
