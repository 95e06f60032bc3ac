/**
 * Data protection and audit (issue 15, item 5):
 *
 * - `PlayerDataKey`: one customer-managed KMS key, rotated every year, for what holds player data: every table, the
 *   answers queue and its dead-letter queue, and the domain-events archive (user ids). Created first: Data, Ingest and
 *   Analytics encrypt with it.
 * - `DataProtection`: an AWS Backup plan for every table (daily, and monthly in prod) into a vault encrypted with that
 *   key, and a CloudTrail trail (management events, plus data events on the users and participants tables) into an
 *   encrypted, retained bucket. The restore drill is docs/operations.md#restore-drill; the retention of every table is
 *   `TABLE_RETENTION` below (docs/SECURITY.md prints it).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import { CfnTrail, Trail } from 'aws-cdk-lib/aws-cloudtrail';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket, BucketEncryption, StorageClass, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { TableId } from '../../lambda/shared/resources.ts';
import { isProd, PRIVATE_BUCKET, removalPolicyFor } from './support.ts';

/** Tables whose every read and write CloudTrail records (data events): who touched a player's profile or registration. */
export const AUDITED_TABLES: TableId[] = ['users', 'participants'];

/** How long the trail's log files are kept (prod: what most audit frameworks ask for; elsewhere a month). */
export const TRAIL_RETENTION_DAYS = { prod: 400, other: 30 } as const;

/** How long backups are kept: daily recovery points for 35 days (beside PITR's 35 days), monthly ones for a year in prod. */
export const BACKUP_RETENTION_DAYS = { daily: 35, monthly: 365 } as const;

/**
 * How long each table keeps its items, and why (docs/SECURITY.md#retention). `ttl` names the attribute DynamoDB
 * expires items by, where there is one (lib/wiring.ts `timeToLiveAttribute`).
 */
export const TABLE_RETENTION: Record<TableId, { keep: string; ttl?: string; why: string }> = {
  questions: { keep: 'until deleted by an admin', why: 'admin-authored content, reused across games; no player data' },
  games: { keep: 'until deleted by an admin', why: 'admin-authored content; episodes refer to them' },
  episodes: { keep: 'for the life of the stage', why: 'the record of every show and its exact counts; no player data beyond counts' },
  participants: {
    keep: 'for the life of the stage, keyed by the pseudonymous Cognito subject',
    why: 'participant_count and the winners are derived from these rows, so they stay exact; DELETE /api/v1/user/me removes the profile and the account, which leaves the subject linked to no one',
  },
  responses: { keep: '400 days after the answer (`expires_at`)', ttl: 'expires_at', why: 'graded answers feed the statistics, which are final once a question closes' },
  statistics: { keep: 'for the life of the stage', why: 'per-batch partial sums and final statistics of each question: aggregates, no player data' },
  users: { keep: 'until the player deletes the account (DELETE /api/v1/user/me)', why: 'the profile (nickname) a player sees and sets' },
  errors: { keep: '14 days', ttl: 'expires_at', why: 'rejections and dead letters for operators; redacted payloads, kept as long as a dead letter' },
  liveStats: { keep: '2 days', ttl: 'expires_at', why: 'live aggregates of the domain events, per minute' },
  clientEvents: {
    keep: '90 days after receipt (`expires_at`)',
    ttl: 'expires_at',
    why: 'the apps’ own events (page views, sessions) for queries and attribution; keyed by the pseudonymous subject or an anonymous id',
  },
  growth: { keep: 'for the life of the stage', why: 'per-batch, per-day partial sums of the funnel and attribution: aggregates, no player data' },
  rateLimits: { keep: 'minutes', ttl: 'expires_at', why: 'per-subject counters of client events per minute, expiring right after their minute' },
};

export interface PlayerDataKeyProps {
  readonly stage: string;
}

/** The customer-managed key of player data. */
export class PlayerDataKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string, props: PlayerDataKeyProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `Encrypts the player data of ${Stack.of(this).stackName}: tables, the answers queue, the events archive, backups and the audit trail`,
      enableKeyRotation: true,
      rotationPeriod: Duration.days(365),
      // Deleting the key makes every table, backup and log file it encrypted unreadable: kept in prod, and a 30-day
      // window elsewhere to undo a mistaken stack deletion.
      pendingWindow: Duration.days(30),
      removalPolicy: removalPolicyFor(props.stage),
    });
  }
}

export interface DataProtectionProps {
  readonly stage: string;
  readonly key: Key;
  readonly tables: Record<TableId, ITable>;
  /** Receives the trail bucket's server access logs (the stack's access-log bucket). */
  readonly accessLogsBucket: IBucket;
}

export class DataProtection extends Construct {
  readonly backupVault: BackupVault;
  readonly backupPlan: BackupPlan;
  readonly trail: Trail;
  readonly trailBucket: Bucket;

  constructor(scope: Construct, id: string, props: DataProtectionProps) {
    super(scope, id);
    const prod = isProd(props.stage);
    const { key, tables } = props;

    /* ------------------------------------------------------------------ backups */

    // PITR (every table, data.ts) restores to any second of the last 35 days, but into the same account and only while
    // the table exists. Backup recovery points survive a deleted table and are kept longer, in a vault of their own.
    // Retained in every stage, like the buckets: CloudFormation cannot delete a vault that holds recovery points, so a
    // deleted dev stack leaves it behind, and its recovery points expire on their own (35 days).
    this.backupVault = new BackupVault(this, 'Vault', { encryptionKey: key, removalPolicy: RemovalPolicy.RETAIN });
    const rules = [
      new BackupPlanRule({
        ruleName: 'Daily',
        // 04:00 UTC: after the evening shows of the Americas and before those of Asia.
        scheduleExpression: Schedule.cron({ hour: '4', minute: '0' }),
        startWindow: Duration.hours(1),
        completionWindow: Duration.hours(4),
        deleteAfter: Duration.days(BACKUP_RETENTION_DAYS.daily),
      }),
    ];
    if (prod) {
      rules.push(
        new BackupPlanRule({
          ruleName: 'Monthly',
          scheduleExpression: Schedule.cron({ day: '1', hour: '5', minute: '0' }),
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(8),
          moveToColdStorageAfter: Duration.days(30),
          deleteAfter: Duration.days(BACKUP_RETENTION_DAYS.monthly),
        }),
      );
    }
    this.backupPlan = new BackupPlan(this, 'Plan', { backupVault: this.backupVault, backupPlanRules: rules });
    this.backupPlan.addSelection('Tables', {
      resources: (Object.values(tables) as ITable[]).map((t) => BackupResource.fromDynamoDbTable(t)),
      // The restore drill (docs/operations.md) restores with the same role.
      allowRestores: true,
    });

    /* ------------------------------------------------------------------ the audit trail */

    // Retained in every stage: an audit log must outlive the stack it audits.
    this.trailBucket = new Bucket(this, 'TrailBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      ...PRIVATE_BUCKET,
      versioned: true,
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 's3/trail/',
      lifecycleRules: [
        {
          id: 'trail-age-out',
          transitions: prod ? [{ storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) }] : [],
          expiration: Duration.days(prod ? TRAIL_RETENTION_DAYS.prod : TRAIL_RETENTION_DAYS.other),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // CloudTrail encrypts each log file with the key; it needs a data key and to describe the key (AWS's documented policy).
    key.grant(new ServicePrincipal('cloudtrail.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:DescribeKey');

    this.trail = new Trail(this, 'Trail', {
      bucket: this.trailBucket,
      encryptionKey: key,
      enableFileValidation: true,
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: true,
    });
    // Advanced event selectors: the basic ones cannot name DynamoDB tables. With advanced selectors, management events
    // need a selector of their own.
    const cfnTrail = this.trail.node.defaultChild as CfnTrail;
    // CloudTrail refuses basic and advanced selectors together; the L2 writes an empty basic list.
    cfnTrail.addPropertyDeletionOverride('EventSelectors');
    cfnTrail.advancedEventSelectors = [
      { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equalTo: ['Management'] }] },
      {
        name: `Data events on the ${AUDITED_TABLES.join(' and ')} tables`,
        fieldSelectors: [
          { field: 'eventCategory', equalTo: ['Data'] },
          { field: 'resources.type', equalTo: ['AWS::DynamoDB::Table'] },
          { field: 'resources.ARN', equalTo: AUDITED_TABLES.map((t) => tables[t].tableArn) },
        ],
      },
    ];
  }
}
