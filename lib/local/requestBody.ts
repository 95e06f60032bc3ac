/**
 * A local server's request body, read whole, with a cap (the local API, its DynamoDB proxy and the Event API).
 *
 * Past the cap the body is not kept, but it is drained, so that the client is still reading when the refusal comes
 * (a client cut off while it sends sees a reset, not the 413); past eight times the cap the request stops being read,
 * and the refusal should close the connection.
 */
import type { IncomingMessage } from 'node:http';

/** The body was over the cap. */
export class RequestTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the request body is over ${maxBytes} bytes`);
    this.name = 'RequestTooLarge';
  }
}

/** The whole body; rejects with RequestTooLarge past `maxBytes` (declared or sent). */
export function readRequestBody(req: IncomingMessage, maxBytes = Infinity): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > maxBytes;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      if (size > 8 * maxBytes) {
        req.removeAllListeners('data');
        req.removeAllListeners('end');
        reject(new RequestTooLarge(maxBytes));
      }
    });
    req.on('end', () => (tooLarge ? reject(new RequestTooLarge(maxBytes)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}
