/**
 * Domain events and the analytics archive in the synthesized stack: the bus and its replay archive, the rule that
 * sends every envelope to Firehose, Firehose's dynamic partitioning into the encrypted, lifecycle-managed bucket, the
 * Glue table over it (JSON SerDe, partition projection) and the Athena workgroup; the grants of the publishers; and
 * that no deployed function can switch on the local test clock.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  EVENT_SOURCE,
  EVENT_TYPES,
  createdEvent,
  endedEvent,
  openedEvent,
  participantEvent,
  questionOutcomeEvents,
  rejectionEvent,
  responseEvent,
  startedEvent,
  type DomainEvent,
} from '../../lambda/domain/events.ts';
import { newEpisode } from '../../lambda/domain/episode.ts';
import { LOCAL_CLOCK_VARIABLES, testClockAllowed } from '../../lambda/shared/clock.ts';
import { archiveFile } from '../../lambda/store/eventArchive.ts';
import {
  ARCHIVE_DATA_PREFIX,
  ARCHIVE_PREFIX,
  ATHENA_RESULTS_PREFIX,
  EVENT_COLUMNS,
  EVENT_DATA_FIELDS,
  METADATA_QUERY,
} from '../../lib/constructs/analytics.ts';
import type { TriviaStack } from '../../lib/triviaStack.ts';
import { functions as functionSpecs, tables, type FunctionId, type Trigger } from '../../lib/wiring.ts';
import { asArray, logicalId, refsIn, statementsOfRole, synthTestAndProd, type CfnResourceJson, type Statement } from './synth.ts';

const { stack, template, prodStack, prodTemplate } = synthTestAndProd();

const resource = (t: Template, id: string) => t.toJSON().Resources[id] as CfnResourceJson;
const only = (t: Template, type: string): CfnResourceJson => {
  const found = Object.values(t.findResources(type)) as CfnResourceJson[];
  expect(found, type).toHaveLength(1);
  return found[0];
};

/** One event of every type, as the code builds them. */
function sampleEvents(): DomainEvent[] {
  const T = Date.UTC(2026, 4, 1, 20, 4, 5, 123);
  const base = newEpisode({ game_id: 'g1', min_participant: 2 }, { id: 'g1', qset: ['q1'], title: 'Friday', created_at: T }, { id: 'ep1', now: T });
  const ended = { ...base, state: 'ENDED' as const, started_at: T, ended_at: T + 1, finalized_index: 0, end_reason: 'last_question' as const };
  const response = { episode_id: 'ep1', question_id: 'q1', question_index: 0, user_id: 'u1', answer: 1, received_at: T, shard_count: 16, correct: true };
  return [
    createdEvent(base),
    participantEvent({ episode_id: 'ep1', user_id: 'u1', registered_at: T }),
    startedEvent(ended),
    openedEvent('ep1', 0, { id: 'q1', question: 'Why?', options: ['a', 'b'] }, T, T + 10_000),
    responseEvent(response, { ...response, answer: 0, received_at: T + 5 }),
    rejectionEvent({ request_id: 'r1', episode_id: 'ep1', question_id: 'q1', question_index: 0, user_id: 'u2', answer: 0, code: 'eliminated', status: 403, at: T }),
    ...questionOutcomeEvents('ep1', {
      statistics: {
        question_index: 0,
        question_id: 'q1',
        correct_answer: '1',
        answer_counts: [{ answer: '1', count: 1, correct: true }],
        answered_count: 1,
        advancing_count: 1,
        eliminated_count: 1,
        players_before: 2,
        question_start_timestamp: T,
        question_end_timestamp: T + 10_000,
        finalized_at: T + 12_000,
      },
      eliminated: [{ user_id: 'u2', reason: 'wrong_answer', answer: 0 }],
    }),
    endedEvent(ended, ['u1']),
  ];
}

describe('the event bus', () => {
  it('is one custom bus, with an archive of every domain event for replay (30 days, a year in prod)', () => {
    const bus = only(template, 'AWS::Events::EventBus');
    expect(bus.Properties.Name).toBeDefined();
    const archive = only(template, 'AWS::Events::Archive').Properties;
    expect(archive.SourceArn).toEqual({ 'Fn::GetAtt': [logicalId(stack.analytics.bus), 'Arn'] });
    expect(archive.EventPattern).toEqual({ source: [EVENT_SOURCE] });
    expect(archive.RetentionDays).toBe(30);
    expect(only(prodTemplate, 'AWS::Events::Archive').Properties.RetentionDays).toBe(365);
  });

  it('sends every event’s envelope ($.detail) to the Firehose stream, with a role that may put records there only', () => {
    const rule = resource(template, logicalId(stack.analytics.rule)).Properties;
    expect(rule.EventBusName).toEqual({ Ref: logicalId(stack.analytics.bus) });
    expect(rule.EventPattern).toEqual({ source: [EVENT_SOURCE] });
    const [target] = rule.Targets as { Arn: unknown; InputPath: string; RoleArn: unknown }[];
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [logicalId(stack.analytics.deliveryStream), 'Arn'] });
    expect(target.InputPath).toBe('$.detail');
    expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [logicalId(stack.analytics.ruleRole), 'Arn'] });
    const statements = statementsOfRole(template, logicalId(stack.analytics.ruleRole));
    expect(statements).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'], Resource: { 'Fn::GetAtt': [logicalId(stack.analytics.deliveryStream), 'Arn'] } }),
    ]);
  });
});

describe('the Firehose delivery stream', () => {
  const config = () => resource(template, logicalId(stack.analytics.deliveryStream)).Properties;
  const s3 = () => config().ExtendedS3DestinationConfiguration as Record<string, unknown>;

  it('takes direct puts, encrypted at rest with an AWS-owned key', () => {
    expect(config().DeliveryStreamType).toBe('DirectPut');
    expect(config().DeliveryStreamEncryptionConfigurationInput).toEqual({ KeyType: 'AWS_OWNED_CMK' });
  });

  it('partitions by event type and day of event time, read from each record with JQ, one JSON object per line', () => {
    expect(s3().BucketARN).toEqual({ 'Fn::GetAtt': [logicalId(stack.analytics.bucket), 'Arn'] });
    expect(s3().Prefix).toBe('events/event_type=!{partitionKeyFromQuery:type}/dt=!{partitionKeyFromQuery:dt}/');
    expect(s3().ErrorOutputPrefix).toMatch(/^errors\/!\{firehose:error-output-type\}\//);
    expect(s3().DynamicPartitioningConfiguration).toMatchObject({ Enabled: true });
    expect(s3().BufferingHints).toEqual({ IntervalInSeconds: 60, SizeInMBs: 64 });
    expect(s3().CompressionFormat).toBe('GZIP');
    const processors = (s3().ProcessingConfiguration as { Enabled: boolean; Processors: { Type: string; Parameters?: { ParameterName: string; ParameterValue: string }[] }[] });
    expect(processors.Enabled).toBe(true);
    expect(processors.Processors.map((p) => p.Type)).toEqual(['MetadataExtraction', 'AppendDelimiterToRecord']);
    expect(processors.Processors[0].Parameters).toEqual([
      { ParameterName: 'MetadataExtractionQuery', ParameterValue: '{type: .type, dt: .time[0:10]}' },
      { ParameterName: 'JsonParsingEngine', ParameterValue: 'JQ-1.6' },
    ]);
    expect(s3().CloudWatchLoggingOptions).toMatchObject({ Enabled: true, LogGroupName: { Ref: logicalId(stack.analytics.deliveryLogGroup) } });
  });

  it('files each event where the local archive files it: the same type and day', () => {
    expect(METADATA_QUERY).toBe('{type: .type, dt: .time[0:10]}');
    for (const e of sampleEvents()) {
      // What the JQ query extracts, done by hand: `.type`, and the first ten characters of `.time`.
      const key = ARCHIVE_DATA_PREFIX.replace('!{partitionKeyFromQuery:type}', e.type).replace('!{partitionKeyFromQuery:dt}', e.time.slice(0, 10));
      const local = archiveFile('/archive', e).replace('/archive/', '');
      expect(key).toBe(`events/event_type=${e.type}/dt=${e.time.slice(0, 10)}/`);
      expect(local).toBe(`${e.type}/${e.time.slice(0, 10)}.jsonl`);
    }
  });

  it('writes with a role Firehose alone assumes, limited to the archive bucket and its two prefixes', () => {
    const role = resource(template, logicalId(stack.analytics.deliveryRole)).Properties;
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('firehose.amazonaws.com');
    const statements = statementsOfRole(template, logicalId(stack.analytics.deliveryRole));
    const bucket = logicalId(stack.analytics.bucket);
    for (const s of statements) {
      for (const a of asArray(s.Action)) expect(a).toMatch(/^(s3:(GetBucketLocation|ListBucket|ListBucketMultipartUploads|AbortMultipartUpload|GetObject|PutObject)|logs:PutLogEvents|kms:(GenerateDataKey|Decrypt))$/);
      if (asArray(s.Action).some((a) => a.startsWith('s3:'))) expect(refsIn(s.Resource).every((r) => r.id === bucket)).toBe(true);
      // The bucket's key (the player-data key), and no other.
      if (asArray(s.Action).some((a) => a.startsWith('kms:'))) expect(refsIn(s.Resource)).toEqual([{ id: logicalId(stack.playerDataKey.key), attribute: 'Arn' }]);
    }
    const objects = JSON.stringify(statements.filter((s) => asArray(s.Action).includes('s3:PutObject')).map((s) => s.Resource));
    expect(objects).toContain('/events/*');
    expect(objects).toContain('/errors/*');
    expect(objects).not.toMatch(/Arn"\]\},"\/\*"/);
  });
});

describe('the archive bucket', () => {
  const props = (t: Template, s: TriviaStack) => resource(t, logicalId(s.analytics.bucket));

  it('is encrypted, blocks all public access, takes TLS only, logs access, and is retained', () => {
    const b = props(template, stack);
    // The events carry user ids: the player-data key (lib/constructs/dataProtection.ts).
    expect(b.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [logicalId(stack.playerDataKey.key), 'Arn'] } } },
      ],
    });
    expect(b.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(b.Properties.LoggingConfiguration).toMatchObject({ DestinationBucketName: { Ref: logicalId(stack.media.logBucket) }, LogFilePrefix: 's3/events/' });
    expect(b.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack.analytics.bucket) },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('ages the events out: expired after 30 days outside prod, moved to cheaper storage in prod; errors, results and uploads expire', () => {
    const rules = (b: CfnResourceJson) => (b.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    const dev = rules(props(template, stack));
    expect(dev.find((r) => r.Prefix === ARCHIVE_PREFIX)).toMatchObject({ Status: 'Enabled', ExpirationInDays: 30 });
    expect(dev.find((r) => r.Prefix === ATHENA_RESULTS_PREFIX)).toMatchObject({ ExpirationInDays: 7 });
    expect(dev.find((r) => r.Prefix === 'errors/')).toMatchObject({ ExpirationInDays: 30 });
    expect(dev.find((r) => r.AbortIncompleteMultipartUpload)).toMatchObject({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } });
    const prod = rules(props(prodTemplate, prodStack)).find((r) => r.Prefix === ARCHIVE_PREFIX)!;
    expect(prod.ExpirationInDays).toBeUndefined();
    expect(prod.Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
      { StorageClass: 'GLACIER_IR', TransitionInDays: 180 },
    ]);
  });
});

describe('the Glue table and Athena', () => {
  // The `events` table (the client events' table and the views: test/infra/analyticsModels.test.ts).
  const table = () => {
    const found = (Object.values(template.findResources('AWS::Glue::Table')) as CfnResourceJson[]).filter((t) => (t.Properties.TableInput as { Name?: string }).Name === 'events');
    expect(found).toHaveLength(1);
    return found[0].Properties as { DatabaseName: unknown; TableInput: Record<string, unknown> };
  };

  it('has a database for the stage and a JSON table over the archive prefix', () => {
    const db = only(template, 'AWS::Glue::Database').Properties;
    expect(db.DatabaseInput).toMatchObject({ Name: 'trivialive_test_analytics' });
    expect(table().DatabaseName).toEqual({ Ref: logicalId(stack.analytics.database) });
    const input = table().TableInput;
    expect(input).toMatchObject({ Name: 'events', TableType: 'EXTERNAL_TABLE' });
    const sd = input.StorageDescriptor as Record<string, unknown>;
    expect(sd.SerdeInfo).toMatchObject({ SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' });
    expect(JSON.stringify(sd.Location)).toContain('/events/');
    expect(input.PartitionKeys).toEqual([
      { Name: 'event_type', Type: 'string' },
      { Name: 'dt', Type: 'string' },
    ]);
  });

  it('projects its partitions: every event type, every day; no crawler', () => {
    const p = table().TableInput.Parameters as Record<string, unknown>;
    expect(p['projection.enabled']).toBe('true');
    expect(p['projection.event_type.type']).toBe('enum');
    expect(String(p['projection.event_type.values']).split(',')).toEqual([...EVENT_TYPES]);
    expect(p).toMatchObject({ 'projection.dt.type': 'date', 'projection.dt.format': 'yyyy-MM-dd', 'projection.dt.interval.unit': 'DAYS' });
    expect(JSON.stringify(p['storage.location.template'])).toContain('events/event_type=${event_type}/dt=${dt}/');
    template.resourceCountIs('AWS::Glue::Crawler', 0);
  });

  it('declares a column for the envelope and a field for every field of every event type the code builds', () => {
    const events = sampleEvents();
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
    expect(EVENT_COLUMNS.map((c) => c.name)).toEqual(Object.keys(events[0]));
    const declared = new Set(Object.keys(EVENT_DATA_FIELDS));
    const used = new Set(events.flatMap((e) => Object.keys(e.data)));
    expect([...used].filter((k) => !declared.has(k))).toEqual([]);
    expect([...declared].filter((k) => !used.has(k))).toEqual([]);
    const sd = table().TableInput.StorageDescriptor as { Columns: { Name: string; Type: string }[] };
    expect(sd.Columns.map((c) => c.Name)).toEqual(['id', 'type', 'version', 'time', 'episode_id', 'data']);
  });

  it('has an Athena workgroup writing encrypted results to the archive bucket', () => {
    const wg = only(template, 'AWS::Athena::WorkGroup').Properties as { WorkGroupConfiguration: Record<string, unknown> };
    expect(wg.WorkGroupConfiguration).toMatchObject({
      EnforceWorkGroupConfiguration: true,
      ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
    });
    expect(JSON.stringify(wg.WorkGroupConfiguration)).toContain(`/${ATHENA_RESULTS_PREFIX}`);
  });
});

describe('publishers', () => {
  const putters = (Object.keys(functionSpecs) as FunctionId[]).filter((id) => (functionSpecs[id] as { putsEvents?: string[] }).putsEvents?.length);
  const statementsOf = (id: FunctionId): Statement[] => statementsOfRole(template, logicalId(stack.functions[id].role));

  it('publishEvents, the answer handler and the client events consumer, and nobody else, may put events, on the bus alone', () => {
    expect(putters.sort()).toEqual(['publishEvents', 'recordClientEvents', 'submitResponse']);
    for (const id of Object.keys(functionSpecs) as FunctionId[]) {
      const puts = statementsOf(id).filter((s) => asArray(s.Action).includes('events:PutEvents'));
      if (!putters.includes(id)) {
        expect(puts, id).toEqual([]);
        continue;
      }
      expect(puts.flatMap((s) => refsIn(s.Resource))).toEqual([{ id: logicalId(stack.analytics.bus), attribute: 'Arn' }]);
      const env = (resource(template, logicalId(stack.functions[id].fn)).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.EVENT_BUS_NAME).toEqual({ Ref: logicalId(stack.analytics.bus) });
    }
  });

  it('publishEvents reads the episodes, participants and responses streams; no stream has more than two consumers', () => {
    const streams = (functionSpecs.publishEvents.triggers as Trigger[]).flatMap((t) => (t.kind === 'stream' ? [t.table] : []));
    expect(streams.sort()).toEqual(['episodes', 'participants', 'responses']);
    expect(tables.episodes.stream).toBe('NEW_AND_OLD_IMAGES');
    const consumers = new Map<string, number>();
    for (const spec of Object.values(functionSpecs)) for (const t of spec.triggers as Trigger[]) if (t.kind === 'stream') consumers.set(t.table, (consumers.get(t.table) ?? 0) + 1);
    for (const [table, n] of consumers) expect(n, table).toBeLessThanOrEqual(2);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'live' })]),
    });
  });
});

describe('test time control cannot reach a deployed stack', () => {
  it('no deployed function gets LOCAL, the clock variables or the local archive, in any stage', () => {
    for (const [t, s] of [
      [template, stack],
      [prodTemplate, prodStack],
    ] as const) {
      for (const id of Object.keys(functionSpecs) as FunctionId[]) {
        const vars = (resource(t, logicalId(s.functions[id].fn)).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
        for (const name of ['LOCAL', 'EVENTS_ARCHIVE_DIR', ...LOCAL_CLOCK_VARIABLES]) expect(vars, `${id} ${name}`).not.toHaveProperty(name);
        expect(vars.STAGE, id).not.toBe('local');
        expect(JSON.stringify(vars)).not.toContain('local:');
        // As Lambda runs it: these variables, plus the function name Lambda always sets.
        const asRun = Object.fromEntries(Object.entries(vars).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
        expect(testClockAllowed(asRun)).toBe(false);
        expect(testClockAllowed({ ...asRun, AWS_LAMBDA_FUNCTION_NAME: id })).toBe(false);
      }
    }
  });
});
