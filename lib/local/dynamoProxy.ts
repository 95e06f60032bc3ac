/**
 * A pass-through HTTP proxy in front of DynamoDB Local that meters and, on request, disturbs the traffic of the
 * functions. It speaks the DynamoDB JSON protocol (X-Amz-Target + JSON body), so it sees every request exactly as
 * AWS would bill it, whichever thread or process sent it.
 *
 * - Metering: write requests per table and per item (to find hot items), read requests.
 * - Faults: answer a share of matching requests with ProvisionedThroughputExceededException (the SDK retries), or
 *   with a non-retryable error (the caller fails, as a crashing consumer would).
 * Control: `GET /__meter`, `POST /__meter/reset`, `POST /__faults` with a FaultPlan, `DELETE /__faults`.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readRequestBody } from './requestBody.ts';

export interface FaultPlan {
  /** Only requests to these operations (e.g. "PutItem"); all operations when absent. */
  operations?: string[];
  /** Only requests to tables whose name contains this text. */
  tableIncludes?: string;
  /** Share of matching requests to disturb, 0..1 (random). */
  rate?: number;
  /**
   * Disturb every n-th matching first attempt instead (deterministic). Retries (the SDK's `amz-sdk-request: attempt=N`
   * header, N > 1) are never disturbed, so each request is hit at most once: a concurrent burst cannot hand one request
   * the n-th slot on attempt after attempt and push its backoff past a show's windows.
   */
  every?: number;
  /** `throttle`: ProvisionedThroughputExceededException (400, retried by the SDK); `fail`: a non-retryable error. */
  kind: 'throttle' | 'fail';
  /** Disturb at most this many requests (unbounded when absent). */
  limit?: number;
}

export interface MeterSnapshot {
  writes: number;
  reads: number;
  writesByTable: Record<string, number>;
  hottestItem: { item: string; writes: number };
  /** Requests answered with an injected fault. */
  faultsInjected: number;
}

type Key = Record<string, unknown>;

const WRITE_OPS = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);
const READ_OPS = new Set(['GetItem', 'Query', 'Scan']);

export class DynamoMeter {
  writes = 0;
  reads = 0;
  faultsInjected = 0;
  private readonly byTable = new Map<string, number>();
  private readonly byItem = new Map<string, number>();

  private readonly extraKeyNames = new Map<string, string[]>();

  constructor(private readonly keyNamesOf: (table: string) => string[]) {}

  /** Key attributes of a table the proxy was not started with (the benchmark's baseline tables). */
  registerTable(table: string, keyNames: string[]): void {
    this.extraKeyNames.set(table, keyNames);
  }

  reset(): void {
    this.writes = 0;
    this.reads = 0;
    this.faultsInjected = 0;
    this.byTable.clear();
    this.byItem.clear();
  }

  snapshot(): MeterSnapshot {
    let hottest = { item: '', writes: 0 };
    for (const [item, writes] of this.byItem) if (writes > hottest.writes) hottest = { item, writes };
    return { writes: this.writes, reads: this.reads, writesByTable: Object.fromEntries(this.byTable), hottestItem: hottest, faultsInjected: this.faultsInjected };
  }

  private write(table: string, key: Key | undefined): void {
    this.writes++;
    this.byTable.set(table, (this.byTable.get(table) ?? 0) + 1);
    const id = `${table}:${(this.extraKeyNames.get(table) ?? this.keyNamesOf(table))
      .map((n) => JSON.stringify(key?.[n] ?? null))
      .join('|')}`;
    this.byItem.set(id, (this.byItem.get(id) ?? 0) + 1);
  }

  record(operation: string, body: Record<string, unknown>): void {
    const table = body.TableName as string;
    if (WRITE_OPS.has(operation)) return this.write(table, (body.Item ?? body.Key) as Key);
    if (READ_OPS.has(operation)) {
      this.reads++;
      return;
    }
    if (operation === 'BatchWriteItem') {
      for (const [t, reqs] of Object.entries((body.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Key }; DeleteRequest?: { Key: Key } }[]>)) {
        for (const r of reqs) this.write(t, r.PutRequest?.Item ?? r.DeleteRequest?.Key);
      }
    } else if (operation === 'TransactWriteItems') {
      for (const item of (body.TransactItems ?? []) as Record<string, { TableName: string; Item?: Key; Key?: Key }>[]) {
        const op = item.Put ?? item.Update ?? item.Delete;
        if (op) this.write(op.TableName, op.Item ?? op.Key);
      }
    } else if (operation === 'BatchGetItem') {
      for (const v of Object.values((body.RequestItems ?? {}) as Record<string, { Keys: Key[] }>)) this.reads += v.Keys.length;
    }
  }
}

export interface DynamoProxy {
  endpoint: string;
  meter: DynamoMeter;
  setFaults(plan: FaultPlan | null): void;
  stop(): Promise<void>;
}

/** The attempt number the AWS SDK sends with each try of a request (`amz-sdk-request: attempt=2; max=6`); 1 when absent. */
function sdkAttempt(req: IncomingMessage): number {
  const match = /attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''));
  return match ? Number(match[1]) : 1;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export async function startDynamoProxy(target: string, keyNamesOf: (table: string) => string[]): Promise<DynamoProxy> {
  const upstream = new URL(target);
  const meter = new DynamoMeter(keyNamesOf);
  let faults: (FaultPlan & { used: number; seen: number }) | null = null;

  const matches = (operation: string, body: Record<string, unknown>, attempt: number) => {
    if (!faults) return false;
    if (faults.every && attempt > 1) return false;
    if (faults.limit !== undefined && faults.used >= faults.limit) return false;
    if (faults.operations && !faults.operations.includes(operation)) return false;
    const tables = [body.TableName, ...Object.keys((body.RequestItems ?? {}) as object)].filter(Boolean) as string[];
    if (faults.tableIncludes && !tables.some((t) => t.includes(faults!.tableIncludes!))) return false;
    faults.seen++;
    if (faults.every) return faults.seen % faults.every === 0;
    return Math.random() < (faults.rate ?? 0);
  };

  const server: Server = createServer(async (req, res) => {
    try {
      if (req.url?.startsWith('/__')) return control(req, res);
      const raw = await readRequestBody(req);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '';
      let body: Record<string, unknown> = {};
      if (raw.length > 0 && operation) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          /* not JSON: forward untouched */
        }
      }
      if (operation && matches(operation, body, sdkAttempt(req))) {
        faults!.used++;
        meter.faultsInjected++;
        if (faults!.kind === 'throttle') {
          return sendJson(res, 400, {
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'The level of configured provisioned throughput for the table was exceeded (injected by the local proxy)',
          });
        }
        return sendJson(res, 400, { __type: 'com.amazon.coral.validate#ValidationException', message: 'injected failure (local proxy)' });
      }
      if (operation) meter.record(operation, body);
      const forward = httpRequest(
        { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forward.on('error', (err) => {
        if (!res.headersSent) sendJson(res, 502, { __type: 'ProxyError', message: err.message });
        else res.destroy();
      });
      forward.end(raw);
    } catch (err) {
      if (!res.headersSent) sendJson(res, 500, { __type: 'ProxyError', message: (err as Error).message });
    }
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket) => socket.setNoDelay(true));

  async function control(req: IncomingMessage, res: ServerResponse) {
    const path = req.url ?? '';
    if (path === '/__meter' && req.method === 'GET') return sendJson(res, 200, meter.snapshot());
    if (path === '/__meter/reset' && req.method === 'POST') {
      meter.reset();
      return sendJson(res, 200, meter.snapshot());
    }
    if (path === '/__faults' && req.method === 'POST') {
      const plan = JSON.parse((await readRequestBody(req)).toString('utf8')) as FaultPlan;
      faults = { ...plan, used: 0, seen: 0 };
      return sendJson(res, 200, { ok: true });
    }
    if (path === '/__faults' && req.method === 'DELETE') {
      const used = faults?.used ?? 0;
      faults = null;
      return sendJson(res, 200, { ok: true, used });
    }
    return sendJson(res, 404, { message: 'unknown control path' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    meter,
    setFaults: (plan) => {
      faults = plan ? { ...plan, used: 0, seen: 0 } : null;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
