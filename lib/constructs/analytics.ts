/**
 * Domain events and their analytics archive:
 *
 * - an EventBridge bus that publishEvents (and the answer handler, for refusals) put the domain events on
 *   (lambda/domain/events.ts), with an EventBridge archive for replay;
 * - a rule sending every event's envelope (`$.detail`) to a Firehose stream that writes JSON lines to S3, partitioned
 *   by type and day of event time: `events/event_type=<type>/dt=<yyyy-mm-dd>/` (dynamic partitioning, keys from the
 *   record itself with JQ: `.type` and the date part of `.time`);
 * - a Glue database and table over those files (JSON SerDe, partition projection: no crawler, no MSCK REPAIR) and an
 *   Athena workgroup whose results land, encrypted, in the same bucket.
 *
 * The local stack mirrors the archive with JSON lines under `<dataDir>/events/<type>/<yyyy-mm-dd>.jsonl`
 * (lambda/store/eventArchive.ts). Created before the functions: they need the bus's name and a grant on it.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { EventBus, Rule, RuleTargetInput, type Archive } from 'aws-cdk-lib/aws-events';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDeliveryStream } from 'aws-cdk-lib/aws-kinesisfirehose';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, LogStream } from 'aws-cdk-lib/aws-logs';
import { Bucket, BucketEncryption, StorageClass, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { EVENT_SOURCE, EVENT_TYPES } from '../../lambda/domain/events.ts';
import { isProd, logRetentionFor, PRIVATE_BUCKET, removalPolicyFor } from './support.ts';

/** Where the archive keeps what, in its bucket. */
export const ARCHIVE_PREFIX = 'events/';
export const ARCHIVE_ERROR_PREFIX = 'errors/';
export const ATHENA_RESULTS_PREFIX = 'athena-results/';
/** Firehose's S3 prefix: the partition keys come from each record (see METADATA_QUERY). */
export const ARCHIVE_DATA_PREFIX = `${ARCHIVE_PREFIX}event_type=!{partitionKeyFromQuery:type}/dt=!{partitionKeyFromQuery:dt}/`;
/** JQ 1.6 over each envelope: its type, and the day of its ISO 8601 time (`2026-05-01T20:04:05.123Z` → `2026-05-01`). */
export const METADATA_QUERY = '{type: .type, dt: .time[0:10]}';

/**
 * The Glue columns of an event: the envelope, and `data` as one struct with every field of every type's data
 * (a type leaves the others null). test/infra/analytics.test.ts checks it against the events the code builds.
 */
export const EVENT_DATA_FIELDS: Record<string, string> = {
  game_id: 'string',
  title: 'string',
  question_count: 'int',
  min_participant: 'int',
  start_at: 'bigint',
  answer_window_seconds: 'double',
  reveal_seconds: 'double',
  lead_seconds: 'double',
  user_id: 'string',
  registered_at: 'bigint',
  participant_count: 'int',
  started_at: 'bigint',
  first_question_at: 'bigint',
  question_index: 'int',
  question_id: 'string',
  question: 'string',
  options: 'array<string>',
  opened_at: 'bigint',
  closes_at: 'bigint',
  answer: 'int',
  received_at: 'bigint',
  replaces: 'struct<answer:int,received_at:bigint>',
  code: 'string',
  status: 'int',
  correct_answer: 'int',
  answer_counts: 'array<struct<answer:int,count:int>>',
  answered_count: 'int',
  advancing_count: 'int',
  players_before: 'int',
  eliminated_count: 'int',
  eliminated_wrong: 'int',
  eliminated_silent: 'int',
  closed_at: 'bigint',
  finalized_at: 'bigint',
  reason: 'string',
  questions_played: 'int',
  winners_count: 'int',
  winners: 'array<string>',
  ended_at: 'bigint',
};

export const EVENT_COLUMNS = [
  { name: 'id', type: 'string' },
  { name: 'type', type: 'string' },
  { name: 'version', type: 'int' },
  { name: 'time', type: 'string', comment: 'ISO 8601, UTC: from_iso8601_timestamp(time)' },
  { name: 'episode_id', type: 'string' },
  { name: 'data', type: `struct<${Object.entries(EVENT_DATA_FIELDS).map(([k, t]) => `${k}:${t}`).join(',')}>` },
];

export interface AnalyticsProps {
  readonly stage: string;
  /** Receives the archive bucket's server access logs (the stack's access-log bucket). */
  readonly accessLogsBucket?: IBucket;
  /**
   * The customer-managed key of player data (lib/constructs/dataProtection.ts): the events carry user ids. Every writer
   * of the bucket needs a grant on it (the delivery role has one). SSE-S3 without one.
   */
  readonly encryptionKey?: IKey;
  /** Earliest day the table's partition projection covers (yyyy-MM-dd). */
  readonly firstDay?: string;
}

export class Analytics extends Construct {
  readonly bus: EventBus;
  readonly replayArchive: Archive;
  readonly bucket: Bucket;
  readonly deliveryStream: CfnDeliveryStream;
  readonly deliveryRole: Role;
  readonly deliveryLogGroup: LogGroup;
  readonly rule: Rule;
  readonly ruleRole: Role;
  readonly database: CfnDatabase;
  readonly table: CfnTable;
  readonly workGroup: CfnWorkGroup;
  /** The Glue database's name (lowercase, from the stack's name: one per stage). */
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const prod = isProd(props.stage);
    const stack = Stack.of(this);

    this.bus = new EventBus(this, 'Bus', { description: `Trivia Live domain events (${props.stage})` });
    this.replayArchive = this.bus.archive('Replay', {
      description: 'Every domain event, for replay onto the bus',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(prod ? 365 : 30),
    });

    // Retained in every stage, like the other buckets: CloudFormation cannot delete a bucket that holds objects without
    // a custom-resource Lambda. Outside prod the events expire after 30 days, so a dev stack's leftovers empty themselves.
    this.bucket = new Bucket(this, 'Bucket', {
      ...(props.encryptionKey
        ? { encryption: BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true }
        : { encryption: BucketEncryption.S3_MANAGED }),
      ...PRIVATE_BUCKET,
      ...(props.accessLogsBucket ? { serverAccessLogsBucket: props.accessLogsBucket, serverAccessLogsPrefix: 's3/events/' } : {}),
      lifecycleRules: [
        prod
          ? {
              id: 'events-age-out',
              prefix: ARCHIVE_PREFIX,
              transitions: [
                { storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
                { storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(180) },
              ],
            }
          : { id: 'events-expire', prefix: ARCHIVE_PREFIX, expiration: Duration.days(30) },
        { id: 'delivery-errors-expire', prefix: ARCHIVE_ERROR_PREFIX, expiration: Duration.days(prod ? 90 : 30) },
        { id: 'athena-results-expire', prefix: ATHENA_RESULTS_PREFIX, expiration: Duration.days(7) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.deliveryLogGroup = new LogGroup(this, 'DeliveryErrors', {
      retention: logRetentionFor(props.stage),
      removalPolicy: removalPolicyFor(props.stage),
    });
    const deliveryLogStream = new LogStream(this, 'DeliveryErrorsStream', { logGroup: this.deliveryLogGroup, removalPolicy: RemovalPolicy.DESTROY });

    // Firehose's role: exactly what its S3 destination needs (AWS's documented policy), on this bucket's two prefixes.
    this.deliveryRole = new Role(this, 'DeliveryRole', {
      assumedBy: new ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: 'Firehose writes the domain events archive',
    });
    // What Firehose needs to write SSE-KMS objects, and to complete multipart uploads; nothing wider (no ReEncrypt*).
    props.encryptionKey?.grant(this.deliveryRole, 'kms:GenerateDataKey', 'kms:Decrypt');
    this.deliveryRole.addToPolicy(
      new PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], resources: [this.bucket.bucketArn] }),
    );
    this.deliveryRole.addToPolicy(
      new PolicyStatement({
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects(`${ARCHIVE_PREFIX}*`), this.bucket.arnForObjects(`${ARCHIVE_ERROR_PREFIX}*`)],
      }),
    );
    this.deliveryRole.addToPolicy(
      new PolicyStatement({
        actions: ['logs:PutLogEvents'],
        resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${this.deliveryLogGroup.logGroupName}:log-stream:${deliveryLogStream.logStreamName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );

    // L1: the L2 DeliveryStream adds a CIDR mapping for VPC destinations to the stack, which nothing here references.
    this.deliveryStream = new CfnDeliveryStream(this, 'Delivery', {
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: this.bucket.bucketArn,
        roleArn: this.deliveryRole.roleArn,
        prefix: ARCHIVE_DATA_PREFIX,
        errorOutputPrefix: `${ARCHIVE_ERROR_PREFIX}!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`,
        // Dynamic partitioning needs at least 64 MiB; a minute keeps the archive close to live for analysts.
        bufferingHints: { intervalInSeconds: 60, sizeInMBs: 64 },
        compressionFormat: 'GZIP',
        fileExtension: '.json.gz',
        dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
        processingConfiguration: {
          enabled: true,
          processors: [
            {
              type: 'MetadataExtraction',
              parameters: [
                { parameterName: 'MetadataExtractionQuery', parameterValue: METADATA_QUERY },
                { parameterName: 'JsonParsingEngine', parameterValue: 'JQ-1.6' },
              ],
            },
            // One JSON object per line, as the JSON SerDe reads them (the default delimiter is a newline).
            { type: 'AppendDelimiterToRecord' },
          ],
        },
        cloudWatchLoggingOptions: { enabled: true, logGroupName: this.deliveryLogGroup.logGroupName, logStreamName: deliveryLogStream.logStreamName },
      },
    });
    // Firehose checks its role when the stream is created: the policy must exist first.
    this.deliveryStream.node.addDependency(this.deliveryRole);

    // The envelope alone (`$.detail`), not EventBridge's wrapper: the archive holds the same records as the local one.
    this.ruleRole = new Role(this, 'ToArchiveRole', { assumedBy: new ServicePrincipal('events.amazonaws.com'), description: 'EventBridge puts domain events into Firehose' });
    this.ruleRole.addToPolicy(new PolicyStatement({ actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'], resources: [this.deliveryStream.attrArn] }));
    const stream = this.deliveryStream;
    const role = this.ruleRole;
    this.rule = new Rule(this, 'ToArchive', {
      description: 'Every domain event to the analytics archive (Firehose → S3)',
      eventBus: this.bus,
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [{ bind: () => ({ arn: stream.attrArn, role, input: RuleTargetInput.fromEventPath('$.detail') }) }],
    });

    this.databaseName = `${stack.stackName}_analytics`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: `Trivia Live domain events (${props.stage})` },
    });
    const location = `s3://${this.bucket.bucketName}/${ARCHIVE_PREFIX}`;
    this.table = new CfnTable(this, 'EventsTable', {
      catalogId: stack.account,
      // The database's Ref is its name: the table waits for the database.
      databaseName: this.database.ref,
      tableInput: {
        name: 'events',
        description: 'Domain events {id, type, version, time, episode_id, data}, one JSON object per line, by type and day',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          'projection.event_type.type': 'enum',
          'projection.event_type.values': EVENT_TYPES.join(','),
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `${props.firstDay ?? '2026-01-01'},NOW`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}event_type=\${event_type}/dt=\${dt}/`,
        },
        partitionKeys: [
          { name: 'event_type', type: 'string' },
          { name: 'dt', type: 'string' },
        ],
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'true' } },
          columns: EVENT_COLUMNS,
        },
      },
    });

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `${stack.stackName}-analytics`,
      description: 'Athena queries over the domain events archive',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
  }
}
