/**
 * lib/local/requestBody.ts: a request body read whole under a cap, shared by the local API, the DynamoDB proxy and
 * the Event API; over the cap, the caller's refusal still reaches the client.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRequestBody, RequestTooLarge } from '../../../lib/local/requestBody.ts';

const CAP = 1024;
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    readRequestBody(req, CAP).then(
      (body) => res.end(JSON.stringify({ bytes: body.length, text: body.toString('utf8') })),
      (err: unknown) => {
        res.statusCode = err instanceof RequestTooLarge ? 413 : 500;
        res.setHeader('connection', 'close');
        res.end(JSON.stringify({ error: (err as Error).message }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = async (body: string | Uint8Array) => {
  const res = await fetch(url, { method: 'POST', body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('readRequestBody', () => {
  it('reads a body up to the cap whole, in one buffer', async () => {
    expect(await post('é'.repeat(CAP / 2))).toEqual({ status: 200, body: { bytes: CAP, text: 'é'.repeat(CAP / 2) } });
    expect(await post('')).toEqual({ status: 200, body: { bytes: 0, text: '' } });
  });

  it('refuses a body one byte over the cap, and the refusal reaches the client', async () => {
    expect(await post('x'.repeat(CAP + 1))).toEqual({ status: 413, body: { error: `the request body is over ${CAP} bytes` } });
  });

  it('stops reading far past the cap, and still refuses', async () => {
    expect((await post(new Uint8Array(64 * CAP))).status).toBe(413);
  });

  it('reads without a cap when none is given', async () => {
    const req = Object.assign(new (await import('node:stream')).PassThrough(), { headers: {} });
    const read = readRequestBody(req as never);
    req.end(Buffer.alloc(3 * 1024 * 1024, 1));
    expect((await read).length).toBe(3 * 1024 * 1024);
  });
});
