import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoProxy, type DynamoProxy } from '../../../lib/local/dynamoProxy.ts';

/** An upstream that answers every request with an empty JSON object, standing in for DynamoDB Local. */
let upstream: Server;
let proxy: DynamoProxy;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}'));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = await startDynamoProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, () => ['pk', 'sk']);
});

afterAll(async () => {
  await proxy.stop();
  await new Promise((resolve) => upstream.close(resolve));
});

/** A PutItem as the SDK sends it; `attempt` is the SDK's retry counter header. */
async function putItem(attempt: number, pk = 'hot'): Promise<number> {
  const res = await fetch(proxy.endpoint, {
    method: 'POST',
    headers: { 'x-amz-target': 'DynamoDB_20120810.PutItem', 'amz-sdk-request': `attempt=${attempt}; max=6` },
    body: JSON.stringify({ TableName: 't', Item: { pk: { S: pk }, sk: { S: 'x' } } }),
  });
  await res.text();
  return res.status;
}

describe('DynamoDB metering and fault proxy', () => {
  it('throttles every n-th first attempt and never a retry, so no request is hit twice', async () => {
    proxy.setFaults({ kind: 'throttle', every: 2 });
    const firstAttempts = [await putItem(1), await putItem(1), await putItem(1), await putItem(1)];
    expect(firstAttempts).toEqual([200, 400, 200, 400]);
    // Retries pass whatever their place in the sequence, and do not move it.
    expect([await putItem(2), await putItem(3), await putItem(2)]).toEqual([200, 200, 200]);
    expect(await putItem(1)).toBe(200);
    expect(await putItem(1)).toBe(400);
    proxy.setFaults(null);
  });

  it('counts the writes that reach DynamoDB, per item, and not the throttled ones', async () => {
    proxy.meter.reset();
    proxy.setFaults({ kind: 'throttle', every: 2, limit: 1 });
    const statuses = [await putItem(1, 'a'), await putItem(1, 'a'), await putItem(2, 'a'), await putItem(1, 'b')];
    proxy.setFaults(null);
    expect(statuses).toEqual([200, 400, 200, 200]);
    const snapshot = proxy.meter.snapshot();
    expect(snapshot).toMatchObject({ writes: 3, faultsInjected: 1, writesByTable: { t: 3 } });
    expect(snapshot.hottestItem).toEqual({ item: `t:${JSON.stringify({ S: 'a' })}|${JSON.stringify({ S: 'x' })}`, writes: 2 });
  });
});
