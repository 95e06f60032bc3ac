/**
 * SQS: `local-aws-sqs` speaks the JSON protocol of the v3 SDK, delays messages (DelaySeconds) and moves a message to
 * its queue's dead-letter queue itself once it has been received maxReceiveCount times and its visibility runs out.
 */
import type { Server } from 'node:http';
import { createSqsServer } from 'local-aws-sqs';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { queues, type QueueId, type QueueSpec } from '../../lambda/shared/resources.ts';
import { REQUEST_TIMEOUTS } from '../../lambda/shared/requestTimeouts.ts';
import { ACCOUNT_ID, LOCAL_CREDENTIALS, REGION, STREAM_DLQ_NAME, localQueueName } from './names.ts';
import { LOCAL_HOST } from './ports.ts';

/** The longest retention SQS allows, for dead-letter queues (14 days). */
const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

export interface SqsLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export function sqsClient(endpoint: string): SQSClient {
  return new SQSClient({ region: REGION, endpoint, credentials: LOCAL_CREDENTIALS, requestHandler: REQUEST_TIMEOUTS });
}

export async function startSqsLocal(options: { port?: number } = {}): Promise<SqsLocal> {
  const server: Server = await createSqsServer({
    port: options.port ?? 0,
    hostname: LOCAL_HOST,
    region: REGION,
    accountId: ACCOUNT_ID,
    // Throwaway test queues may be deleted and recreated at once.
    emulateQueueCreationLifecycle: false,
  });
  // Small request/response pairs on loopback: without TCP_NODELAY, Nagle's algorithm and delayed ACKs add tens of ms.
  server.on('connection', (socket) => socket.setNoDelay(true));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://${LOCAL_HOST}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export interface QueueRef {
  url: string;
  arn: string;
}

export async function queueArn(client: SQSClient, url: string): Promise<string> {
  const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  const arn = attrs.Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${url} has no ARN`);
  return arn;
}

/** A queue with its dead-letter queue `<name>-dlq`: RedrivePolicy, visibility and retention as the spec says. */
export async function createQueueWithDlq(client: SQSClient, name: string, spec: QueueSpec): Promise<{ queue: QueueRef; dlq: QueueRef }> {
  const dlqUrl = (await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq`, Attributes: { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) } })))
    .QueueUrl!;
  const dlqArn = await queueArn(client, dlqUrl);
  const url = (
    await client.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(Math.round(spec.retentionDays * 24 * 3600)),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
        },
      }),
    )
  ).QueueUrl!;
  return { queue: { url, arn: await queueArn(client, url) }, dlq: { url: dlqUrl, arn: dlqArn } };
}

export interface LocalQueues {
  queues: Record<QueueId, QueueRef>;
  dlqs: Record<QueueId, QueueRef>;
  streamDlq: QueueRef;
}

/** The URL of each queue (or each DLQ), by the wiring's queue id. */
export const urlsOf = (refs: Record<QueueId, QueueRef>) => Object.fromEntries(Object.entries(refs).map(([id, ref]) => [id, ref.url])) as Record<QueueId, string>;

/** Every queue of the wiring with its DLQ, and the stream processors' failure queue. */
export async function createQueues(endpoint: string): Promise<LocalQueues> {
  const client = sqsClient(endpoint);
  try {
    const result = { queues: {}, dlqs: {} } as LocalQueues;
    for (const [id, spec] of Object.entries(queues) as [QueueId, QueueSpec][]) {
      const { queue, dlq } = await createQueueWithDlq(client, localQueueName(id), spec);
      result.queues[id] = queue;
      result.dlqs[id] = dlq;
    }
    const streamDlqUrl = (
      await client.send(new CreateQueueCommand({ QueueName: STREAM_DLQ_NAME, Attributes: { MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS) } }))
    ).QueueUrl!;
    result.streamDlq = { url: streamDlqUrl, arn: await queueArn(client, streamDlqUrl) };
    return result;
  } finally {
    client.destroy();
  }
}
