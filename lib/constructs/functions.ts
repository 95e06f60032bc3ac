/**
 * Lambda functions, Powertools style: one wrapper (TriviaFunction) fixes runtime, architecture, tracing, logging and
 * bundling for every function; `Functions` builds one per entry of `functions` in lib/wiring.ts and gives each the
 * grants and environment variables its spec asks for, and nothing more.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, Architecture, EventSourceMapping, Runtime, Tracing, type EventSourceMappingOptions, type IEventSource } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ChannelNamespace } from 'aws-cdk-lib/aws-appsync';
import { Construct } from 'constructs';
import { REPO_ROOT } from '../repoRoot.ts';
import { buckets as bucketSpecs, functions as functionSpecs, resourcesOf, type FunctionId, type FunctionSpec, type NamespaceId } from '../wiring.ts';
import { envNames, deadLetterQueueIds, type BucketId, type BusId, type DeadLetterQueueId, type SettingId, type QueueId, type TableId, type TopicId } from '../../lambda/shared/resources.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../../lambda/shared/metricNames.ts';
import { logRetentionFor, pascal, removalPolicyFor, triggersOf } from './support.ts';

/** The version in package.json, passed to every function as APP_VERSION. */
export const appVersion: string = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** The alias every trigger invokes; CodeDeploy moves it from one version to the next (lib/constructs/deployments.ts). */
export const LIVE_ALIAS = 'live';

export interface TriviaFunctionProps<Id extends string = FunctionId> {
  /** A function of the wiring's `functions`, or one built beside them (the canary, lib/constructs/monitoring.ts). */
  readonly functionId: Id;
  readonly spec: FunctionSpec;
  readonly stage: string;
  /** Extra environment variables (resource names); the Powertools and app variables are always set. */
  readonly environment?: Record<string, string>;
}

/** One Lambda function: NODEJS_22_X on ARM64, X-Ray active, its own log group, an ESM bundle with source maps. */
export class TriviaFunction<Id extends string = FunctionId> extends Construct {
  readonly functionId: Id;
  readonly spec: FunctionSpec;
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  /** The execution role: it starts with nothing but writing to its own log group; grants add the rest. */
  readonly role: Role;
  /** What routes, queues, streams and schedules invoke (never $LATEST), so that a deploy can shift traffic gradually. */
  readonly alias: Alias;

  constructor(scope: Construct, id: string, props: TriviaFunctionProps<Id>) {
    super(scope, id);
    const { functionId, spec, stage } = props;
    this.functionId = functionId;
    this.spec = spec;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: logRetentionFor(props.stage),
      removalPolicy: removalPolicyFor(props.stage),
    });

    // An explicit role instead of the default one with the AWSLambdaBasicExecutionRole managed policy (logs:* on every
    // log group): this one may only write to its own log group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${functionId}`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.resolve(REPO_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memorySize,
      timeout: Duration.seconds(spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        STAGE: stage,
        APP_VERSION: appVersion,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // ESM bundles of CommonJS dependencies still call require(); give them one.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // The v3 SDK ships with the Node.js 22 runtime.
        externalModules: ['@aws-sdk/*'],
      },
    });
    this.alias = new Alias(this, 'Alias', { aliasName: LIVE_ALIAS, version: this.fn.currentVersion });
  }

  /**
   * Binds a queue or stream event source to the alias. The mapping stays where `fn.addEventSource` put it (under the
   * function), so its logical id does not change: a new mapping of a stream would start again from TRIM_HORIZON and
   * count a day of answers and registrations twice.
   */
  addEventSource(source: IEventSource): void {
    const { fn, alias } = this;
    const target = new Proxy(alias, {
      get(t, property) {
        if (property === 'addEventSourceMapping') {
          return (mappingId: string, options: EventSourceMappingOptions) => new EventSourceMapping(fn, mappingId, { ...options, target: alias });
        }
        const value: unknown = Reflect.get(t, property, t);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(t) : value;
      },
    });
    source.bind(target);
  }
}

export interface FunctionsProps {
  readonly stage: string;
  readonly tables: Record<TableId, ITable>;
  readonly queues: Record<QueueId, IQueue>;
  readonly topics: Record<TopicId, ITopic>;
  /** Buckets of lib/wiring.ts (needed when a function `puts` into one). */
  readonly buckets?: Partial<Record<BucketId, IBucket>>;
  /** Values of the deployment settings (needed when a function reads one); may be tokens. */
  readonly settings?: Partial<Record<SettingId, string>>;
  /** Event buses of lib/wiring.ts (needed when a function `putsEvents` on one). */
  readonly buses?: Partial<Record<BusId, IEventBus>>;
  /** Every dead-letter queue (needed when a function has `deadLetters` access). */
  readonly deadLetterQueues?: Partial<Record<DeadLetterQueueId, IQueue>>;
  /** The user pool (needed when a function has `userPool` access). */
  readonly userPool?: IUserPool;
  /** The live channel (needed when a function `publishesLive`): lib/constructs/liveChannel.ts. */
  readonly liveChannel?: { readonly namespaces: Partial<Record<NamespaceId, ChannelNamespace>>; readonly httpEndpoint: string };
}

/** What each level of `deadLetters` (lib/wiring.ts) may do on the dead-letter queues; nothing can send to them. */
export const DEAD_LETTER_ACTIONS: Record<NonNullable<FunctionSpec['deadLetters']>, string[]> = {
  status: ['sqs:GetQueueAttributes', 'sqs:ListMessageMoveTasks'],
  // Receive and release (ChangeMessageVisibility); no DeleteMessage: the sweep leaves dead letters in place.
  inspect: ['sqs:GetQueueAttributes', 'sqs:ListMessageMoveTasks', 'sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility'],
  // What SQS asks of whoever starts a message move task on the source (the DLQ).
  redrive: ['sqs:GetQueueAttributes', 'sqs:ListMessageMoveTasks', 'sqs:StartMessageMoveTask', 'sqs:CancelMessageMoveTask', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
};

/** The queues a function consumes (its queue triggers). */
export const consumedQueues = (spec: FunctionSpec): QueueId[] =>
  triggersOf(spec, 'queue').map((t) => t.queue);

const fail = (message: string): never => {
  throw new Error(message);
};

/** Every function of lib/wiring.ts, with least-privilege grants and the environment variables naming its resources. */
export class Functions extends Construct {
  readonly functions: Record<FunctionId, TriviaFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { tables, queues, topics } = props;

    const entries = (Object.entries(functionSpecs) as [FunctionId, FunctionSpec][]).map(([functionId, spec]) => {
      const resources = resourcesOf(spec);
      const queueIds = [...new Set([...resources.queues, ...consumedQueues(spec)])];
      const environment: Record<string, string> = {};
      for (const t of resources.tables) environment[envNames.table(t)] = tables[t].tableName;
      for (const q of queueIds) environment[envNames.queue(q)] = queues[q].queueUrl;
      for (const t of resources.topics) environment[envNames.topic(t)] = topics[t].topicArn;
      const bucketOf = (b: BucketId) => props.buckets?.[b] ?? fail(`${functionId} puts into bucket ${b}, which was not given`);
      for (const b of resources.buckets) environment[envNames.bucket(b)] = bucketOf(b).bucketName;
      const busOf = (b: BusId) => props.buses?.[b] ?? fail(`${functionId} puts events on bus ${b}, which was not given`);
      for (const b of resources.buses) environment[envNames.bus(b)] = busOf(b).eventBusName;
      for (const s of spec.settings ?? []) environment[envNames.setting(s)] = props.settings?.[s] ?? fail(`${functionId} reads setting ${s}, which was not given`);
      const dlqOf = (q: DeadLetterQueueId) => props.deadLetterQueues?.[q] ?? fail(`${functionId} reads dead-letter queue ${q}, which was not given`);
      if (spec.deadLetters) for (const q of deadLetterQueueIds()) environment[envNames.deadLetterQueue(q)] = dlqOf(q).queueUrl;
      const userPool = spec.userPool ? (props.userPool ?? fail(`${functionId} deletes users of the user pool, which was not given`)) : undefined;
      if (userPool) environment[envNames.userPool] = userPool.userPoolId;
      const channel = () => props.liveChannel ?? fail(`${functionId} publishes live, but no live channel was given`);
      const namespaceOf = (n: NamespaceId) => channel().namespaces[n] ?? fail(`${functionId} publishes to namespace ${n}, which was not given`);
      if ((spec.publishesLive ?? []).length > 0) environment[envNames.eventApi] = channel().httpEndpoint;

      const fn = new TriviaFunction(this, pascal(functionId), { functionId, spec, stage: props.stage, environment });

      // Least privilege, through grant* only. Table grants cover the table's indexes too.
      for (const t of spec.reads ?? []) tables[t].grantReadData(fn.fn);
      for (const t of spec.writes ?? []) tables[t].grantWriteData(fn.fn);
      for (const t of spec.readWrites ?? []) tables[t].grantReadWriteData(fn.fn);
      for (const q of spec.sends ?? []) queues[q].grantSendMessages(fn.fn);
      for (const q of spec.watches ?? []) queues[q].grant(fn.fn, 'sqs:GetQueueAttributes');
      for (const t of spec.publishes ?? []) topics[t].grantPublish(fn.fn);
      for (const b of spec.putsEvents ?? []) busOf(b).grantPutEventsTo(fn.fn);
      // appsync:EventPublish on the namespace alone (IAM is the only way to publish: liveChannel.ts).
      for (const n of spec.publishesLive ?? []) namespaceOf(n).grantPublish(fn.fn);
      // s3:PutObject alone (not grantPut, which adds tagging, legal hold, retention...), on the bucket's prefix alone.
      for (const b of spec.puts ?? []) {
        fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [bucketOf(b).arnForObjects(`${bucketSpecs[b].prefix}*`)] }));
      }
      if (spec.deadLetters) {
        for (const q of deadLetterQueueIds()) {
          // The stream failures' DLQ holds batch descriptions, which cannot be moved back: looked at, never redriven.
          const level = q === 'streams' && spec.deadLetters === 'redrive' ? 'status' : spec.deadLetters;
          dlqOf(q).grant(fn.fn, ...DEAD_LETTER_ACTIONS[level]);
        }
      }
      if (userPool) fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['cognito-idp:AdminDeleteUser'], resources: [userPool.userPoolArn] }));
      // Consuming a queue or reading a stream is granted by its event source (ingest.ts, streams.ts).
      return [functionId, fn] as const;
    });
    this.functions = Object.fromEntries(entries) as Record<FunctionId, TriviaFunction>;
  }
}
