/** Stream processors: a DynamoDB stream event source for every stream trigger in lib/wiring.ts. */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionId } from '../wiring.ts';
import type { TableId } from '../../lambda/shared/resources.ts';
import { triggersOf } from './support.ts';
import type { TriviaFunction } from './functions.ts';

export interface StreamsProps {
  readonly functions: Record<FunctionId, TriviaFunction>;
  readonly tables: Record<TableId, ITable>;
  /** Receives the description of a batch that failed all its retries (the records stay in the stream for 24 h). */
  readonly failureDlq: IQueue;
}

export class Streams extends Construct {
  constructor(scope: Construct, id: string, props: StreamsProps) {
    super(scope, id);
    for (const fn of Object.values(props.functions)) {
      for (const trigger of triggersOf(fn.spec, 'stream')) {
        const table = props.tables[trigger.table];
        if (!table.tableStreamArn) throw new Error(`${fn.functionId} reads the stream of ${trigger.table}, which has none (lib/wiring.ts)`);
        // Also grants the function read access to the stream (and nothing on the table itself).
        fn.addEventSource(
          new DynamoEventSource(table, {
            startingPosition: StartingPosition.TRIM_HORIZON,
            batchSize: trigger.batchSize,
            maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
            retryAttempts: trigger.retryAttempts,
            parallelizationFactor: trigger.parallelizationFactor,
            bisectBatchOnError: true,
            reportBatchItemFailures: true,
            onFailure: new SqsDlq(props.failureDlq),
          }),
        );
      }
    }
  }
}
