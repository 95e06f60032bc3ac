/** Messages onto the answers and runner-tick queues. */
import { ChangeMessageVisibilityBatchCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { QueuedClientBatch } from '../domain/clientEvents.ts';
import type { QueuedAnswer } from '../domain/schemas.ts';
import { realMs } from '../shared/clock.ts';
import { queueUrl } from '../shared/env.ts';
import { sqs } from './clients.ts';

export async function enqueueAnswer(a: QueuedAnswer): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('answers'), MessageBody: JSON.stringify(a) }));
}

/** One message per accepted batch of client events (lambda/queue/recordClientEvents.ts reads it). */
export async function enqueueClientBatch(batch: QueuedClientBatch): Promise<void> {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('clientEvents'), MessageBody: JSON.stringify(batch) }));
}

export interface RunnerTick {
  episode_id: string;
  due_at: number;
}

/** SQS delays are whole seconds up to 15 minutes: the tick may arrive up to a second early; the runner waits out the rest. */
export async function scheduleTick(tick: RunnerTick, now: number): Promise<void> {
  const delaySeconds = Math.min(900, Math.max(0, Math.floor(realMs(tick.due_at - now) / 1000)));
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl('runnerTicks'), MessageBody: JSON.stringify(tick), DelaySeconds: delaySeconds }));
}

/** Makes received messages visible again now (visibility timeout 0), so that they are retried without waiting. */
export async function releaseMessages(queue: string, receiptHandles: string[]): Promise<void> {
  for (let i = 0; i < receiptHandles.length; i += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue,
        Entries: receiptHandles.slice(i, i + 10).map((ReceiptHandle, n) => ({ Id: String(n), ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }
}

/** Answers queued, in flight at a consumer or delayed (SQS's approximate counts, which settle within seconds). */
export async function answersInFlight(): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl('answers'),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const a = out.Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
}
