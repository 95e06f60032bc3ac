/** DynamoDB tables, one per entry of `tables` in lib/wiring.ts: on demand, point-in-time recovery, encrypted, named by CloudFormation. */
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { contextReader } from '../cdkContext.ts';
import { WARM_TABLES, warmThroughput, type WarmTable } from '../sizing.ts';
import { tables as tableSpecs, type KeySpec, type TableSpec } from '../wiring.ts';
import { type TableId } from '../../lambda/shared/resources.ts';
import { isProd, pascal, removalPolicyFor } from './support.ts';

const attribute = (k: KeySpec): Attribute => ({ name: k.name, type: k.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER });

const streamViewType = (s: NonNullable<TableSpec['stream']>) =>
  s === 'NEW_IMAGE' ? StreamViewType.NEW_IMAGE : StreamViewType.NEW_AND_OLD_IMAGES;

export interface DataProps {
  readonly stage: string;
  /** The customer-managed key of player data (lib/constructs/dataProtection.ts); AWS managed encryption without one. */
  readonly encryptionKey?: IKey;
}

export class Data extends Construct {
  readonly tables: Record<TableId, Table>;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const prod = isProd(props.stage);
    // Production sizing (lib/sizing.ts has the arithmetic): in prod, or with context warmThroughput=true, the tables on
    // the answer path are pre-warmed, so that the first big show is not throttled while on-demand capacity catches up
    // (a new on-demand table takes 4,000 writes/s at once). Values from context `warmThroughput.<table>.read|write`.
    const warm = warmThroughput(contextReader(this.node), prod);
    const isWarm = (t: TableId): t is WarmTable => (WARM_TABLES as TableId[]).includes(t);

    const entries = (Object.entries(tableSpecs) as [TableId, TableSpec][]).map(([tableId, spec]) => {
      const table = new Table(this, pascal(tableId), {
        partitionKey: attribute(spec.partitionKey),
        sortKey: spec.sortKey && attribute(spec.sortKey),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: props.encryptionKey ? TableEncryption.CUSTOMER_MANAGED : TableEncryption.AWS_MANAGED,
        encryptionKey: props.encryptionKey,
        stream: spec.stream && streamViewType(spec.stream),
        timeToLiveAttribute: spec.timeToLiveAttribute,
        deletionProtection: prod,
        removalPolicy: removalPolicyFor(props.stage),
        warmThroughput: warm && isWarm(tableId) ? warm[tableId] : undefined,
      });
      for (const gsi of spec.globalSecondaryIndexes ?? []) {
        table.addGlobalSecondaryIndex({
          indexName: gsi.indexName,
          partitionKey: attribute(gsi.partitionKey),
          sortKey: gsi.sortKey && attribute(gsi.sortKey),
        });
      }
      return [tableId, table] as const;
    });
    this.tables = Object.fromEntries(entries) as Record<TableId, Table>;
  }
}
