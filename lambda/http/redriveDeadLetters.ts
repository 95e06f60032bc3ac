import { queues, type QueueId } from '../shared/resources.ts';
import { conflict, notFound } from '../domain/errors.ts';
import { redrivePath, type RedriveStarted } from '../domain/operations.ts';
import { httpHandler, json, validate } from './httpHandler.ts';
import { logger } from '../shared/powertools.ts';
import { deadLetterQueueUrl, depthOf, startRedrive } from '../store/deadLetterQueues.ts';

/**
 * `POST /api/v1/dlq/{queue}/redrive`: moves the dead letters of `queue` back to it, after a fix (admins). SQS runs
 * the move (a message move task); GET /api/v1/dlq shows its progress.
 */
export const handler = httpHandler({ auth: 'admin' }, async ({ params, caller }) => {
  const { queue } = validate(redrivePath, params, 'invalid_path');
  if (queue === 'streams') {
    throw conflict(
      'not_redrivable',
      'the streams DLQ holds descriptions of stream batches that failed all retries, not messages: the records stay in the table streams for 24 h; fix the processor and replay them',
    );
  }
  if (!Object.hasOwn(queues, queue)) throw notFound('queue', queue);
  const depth = await depthOf(deadLetterQueueUrl(queue as QueueId));
  try {
    const task = await startRedrive(queue as QueueId);
    logger.info('redrive started', { queue, by: caller?.sub, approximate_messages: depth.messages });
    const body: RedriveStarted = { queue, status: 'RUNNING', task_handle: task.taskHandle, approximate_messages: depth.messages };
    return json(202, body);
  } catch (err) {
    // SQS runs one move task per source queue at a time.
    if ((err as Error).name === 'UnsupportedOperation' || /already|running/i.test((err as Error).message ?? '')) {
      throw conflict('redrive_running', `a redrive of ${queue} is already running (see GET /api/v1/dlq)`);
    }
    throw err;
  }
});
