/**
 * The dead-letter queues (every queue's, and the stream failures'): depth, a look at their messages that leaves them
 * in place, and redrive (an SQS message move task back to the source queue). URLs come from the environment
 * (`envNames.deadLetterQueue`), as every resource name does.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { envNames, type DeadLetterQueueId, type QueueId } from '../shared/resources.ts';
import { queueUrl } from '../shared/env.ts';
import { sqs } from './clients.ts';

export function deadLetterQueueUrl(id: DeadLetterQueueId): string {
  const name = envNames.deadLetterQueue(id);
  const url = process.env[name];
  if (!url) throw new Error(`environment variable ${name} is not set`);
  return url;
}

const arns = new Map<string, string>();

/** A queue's ARN (asked once per container). */
export async function queueArnOf(url: string): Promise<string> {
  const known = arns.get(url);
  if (known) return known;
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = out.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${url} has no ARN`);
  arns.set(url, arn);
  return arn;
}

export interface Depth {
  messages: number;
  inFlight: number;
}

export async function depthOf(url: string): Promise<Depth> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return { messages: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0), inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

export interface MoveTask {
  status: string;
  moved: number;
  toMove?: number;
  startedAt?: number;
  failureReason?: string;
}

export async function moveTasksOf(dlqArn: string): Promise<MoveTask[]> {
  const out = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
  return (out.Results ?? []).map((t) => ({
    status: t.Status ?? 'UNKNOWN',
    moved: Number(t.ApproximateNumberOfMessagesMoved ?? 0),
    ...(t.ApproximateNumberOfMessagesToMove !== undefined ? { toMove: Number(t.ApproximateNumberOfMessagesToMove) } : {}),
    ...(t.StartedTimestamp !== undefined ? { startedAt: Number(t.StartedTimestamp) } : {}),
    ...(t.FailureReason ? { failureReason: t.FailureReason } : {}),
  }));
}

/** Moves every message of a queue's DLQ back to the queue (SQS runs the move; this returns at once). */
export async function startRedrive(queue: QueueId): Promise<{ taskHandle: string; dlqArn: string; destinationArn: string }> {
  const [dlqArn, destinationArn] = await Promise.all([queueArnOf(deadLetterQueueUrl(queue)), queueArnOf(queueUrl(queue))]);
  // An explicit destination: also moves messages that did not come from the queue by redrive (sent to the DLQ by hand).
  const out = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: destinationArn }));
  if (!out.TaskHandle) throw new Error(`SQS started no move task for ${queue}`);
  return { taskHandle: out.TaskHandle, dlqArn, destinationArn };
}

/**
 * Up to `max` messages of a DLQ, received with a short visibility timeout and then made visible again at once:
 * the messages stay in the queue for operators and redrive. (SQS has one consumer per message: nothing else
 * should receive from a DLQ, and this holds them only for the moment it takes to read them.)
 */
export async function peekMessages(url: string, max: number, holdSeconds = 30): Promise<Message[]> {
  const seen = new Map<string, Message>();
  try {
    while (seen.size < max) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: Math.min(10, max - seen.size),
          VisibilityTimeout: holdSeconds,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      const batch = (out.Messages ?? []).filter((m) => m.MessageId && !seen.has(m.MessageId));
      if (batch.length === 0) break;
      for (const m of batch) seen.set(m.MessageId!, m);
    }
    return [...seen.values()];
  } finally {
    await release(url, [...seen.values()]);
  }
}

async function release(url: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: messages.slice(i, i + 10).map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
        }),
      )
      .catch(() => undefined); // they come back after holdSeconds anyway
  }
}
