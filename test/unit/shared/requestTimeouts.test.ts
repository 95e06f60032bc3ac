/** lambda/shared/requestTimeouts.ts: a client built with REQUEST_TIMEOUTS gives up on an endpoint that never answers. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { REQUEST_TIMEOUTS } from '../../../lambda/shared/requestTimeouts.ts';

let server: Server;
let endpoint: string;

beforeAll(async () => {
  // Accepts every request and never answers it: a connection that stopped responding.
  server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('REQUEST_TIMEOUTS', () => {
  it('turns a request that gets no answer into a TimeoutError (the SDK alone would wait for ever)', async () => {
    const client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
      requestHandler: REQUEST_TIMEOUTS,
    });
    await expect(client.send(new GetItemCommand({ TableName: 't', Key: { id: { S: '1' } } }))).rejects.toMatchObject({ name: 'TimeoutError' });
    client.destroy();
  });
});
