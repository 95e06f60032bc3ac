/**
 * Messaging: the SQS queues of lib/wiring.ts, each with its own dead-letter queue; a dead-letter queue for stream
 * batches that fail for good; the notifications topic; and the queue consumers (SQS event sources).
 */
import { Duration } from 'aws-cdk-lib';
import { Alias, type IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { topics as topicIds, type FunctionId } from '../wiring.ts';
import { queues as queueSpecs, type QueueId, type QueueSpec, type TopicId } from '../../lambda/shared/resources.ts';
import type { TriviaFunction } from './functions.ts';
import { pascal, triggersOf } from './support.ts';

/** The longest retention SQS allows: a dead letter waits as long as possible for someone to look at it. */
const DLQ_RETENTION = Duration.days(14);

export interface IngestProps {
  /** The customer-managed key of player data (lib/constructs/dataProtection.ts), for the queues in PLAYER_DATA_QUEUES. */
  readonly encryptionKey?: IKey;
}

/** Queues whose messages carry player data (a user id and an answer): encrypted with the player-data key. */
export const PLAYER_DATA_QUEUES: QueueId[] = ['answers'];

export class Ingest extends Construct {
  readonly queues: Record<QueueId, Queue>;
  /** The dead-letter queue of each queue. */
  readonly dlqs: Record<QueueId, Queue>;
  /** Where stream event sources send the description of a batch that failed all its retries. */
  readonly streamDlq: Queue;
  readonly topics: Record<TopicId, Topic>;

  constructor(scope: Construct, id: string, props: IngestProps = {}) {
    super(scope, id);

    const dlqs = {} as Record<QueueId, Queue>;
    const queues = {} as Record<QueueId, Queue>;
    for (const [queueId, spec] of Object.entries(queueSpecs) as [QueueId, QueueSpec][]) {
      const name = pascal(queueId);
      const key = PLAYER_DATA_QUEUES.includes(queueId) ? props.encryptionKey : undefined;
      const encryption = key ? { encryption: QueueEncryption.KMS, encryptionMasterKey: key } : { encryption: QueueEncryption.SQS_MANAGED };
      dlqs[queueId] = new Queue(this, `${name}Dlq`, {
        retentionPeriod: DLQ_RETENTION,
        ...encryption,
        enforceSSL: true,
      });
      queues[queueId] = new Queue(this, name, {
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(spec.retentionDays),
        ...encryption,
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
      for (const trigger of triggersOf(fn.spec, 'queue')) {
        // Lambda takes batches over 10 from a standard queue only with a batching window (CDK checks this too).
        if (trigger.batchSize > 10 && trigger.maxBatchingWindowSeconds <= 0) {
          throw new Error(`${fn.functionId}: an SQS batch size over 10 needs maxBatchingWindowSeconds > 0`);
        }
        fn.addEventSource(
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
