/**
 * Messaging: the SQS queues of lib/wiring.ts, each with its own dead-letter queue; a dead-letter queue for stream
 * batches that fail for good; the notifications topic; and the queue consumers (SQS event sources).
 */
import { Duration } from 'aws-cdk-lib';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { queues as queueSpecs, topics as topicIds, type FunctionId, type QueueId, type QueueSpec, type TopicId, type Trigger } from '../wiring.ts';
import type { TriviaFunction } from './functions.ts';

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The longest retention SQS allows: a dead letter waits as long as possible for someone to look at it. */
const DLQ_RETENTION = Duration.days(14);

export class Ingest extends Construct {
  readonly queues: Record<QueueId, Queue>;
  /** The dead-letter queue of each queue. */
  readonly dlqs: Record<QueueId, Queue>;
  /** Where stream event sources send the description of a batch that failed all its retries. */
  readonly streamDlq: Queue;
  readonly topics: Record<TopicId, Topic>;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    const dlqs = {} as Record<QueueId, Queue>;
    const queues = {} as Record<QueueId, Queue>;
    for (const [queueId, spec] of Object.entries(queueSpecs) as [QueueId, QueueSpec][]) {
      const name = pascal(queueId);
      dlqs[queueId] = new Queue(this, `${name}Dlq`, {
        retentionPeriod: DLQ_RETENTION,
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      queues[queueId] = new Queue(this, name, {
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(spec.retentionDays),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: dlqs[queueId], maxReceiveCount: spec.maxReceiveCount },
      });
    }
    this.queues = queues;
    this.dlqs = dlqs;

    this.streamDlq = new Queue(this, 'StreamFailuresDlq', {
      retentionPeriod: DLQ_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    const snsKey = Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns');
    this.topics = Object.fromEntries(
      topicIds.map((topicId) => [topicId, new Topic(this, `${pascal(topicId)}Topic`, { enforceSSL: true, masterKey: snsKey })]),
    ) as Record<TopicId, Topic>;
  }
}

export interface QueueConsumersProps {
  readonly functions: Record<FunctionId, TriviaFunction>;
  readonly queues: Record<QueueId, Queue>;
}

/** An SQS event source for every queue trigger in lib/wiring.ts, with partial batch failures. */
export class QueueConsumers extends Construct {
  constructor(scope: Construct, id: string, props: QueueConsumersProps) {
    super(scope, id);
    for (const fn of Object.values(props.functions)) {
      for (const trigger of fn.spec.triggers as Trigger[]) {
        if (trigger.kind !== 'queue') continue;
        // Lambda takes batches over 10 from a standard queue only with a batching window (CDK checks this too).
        if (trigger.batchSize > 10 && trigger.maxBatchingWindowSeconds <= 0) {
          throw new Error(`${fn.functionId}: an SQS batch size over 10 needs maxBatchingWindowSeconds > 0`);
        }
        fn.fn.addEventSource(
          new SqsEventSource(props.queues[trigger.queue], {
            batchSize: trigger.batchSize,
            maxBatchingWindow: trigger.maxBatchingWindowSeconds > 0 ? Duration.seconds(trigger.maxBatchingWindowSeconds) : undefined,
            maxConcurrency: trigger.maxConcurrency,
            reportBatchItemFailures: true,
          }),
        );
      }
    }
  }
}
