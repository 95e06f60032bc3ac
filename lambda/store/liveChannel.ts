/**
 * The live channel (AppSync Events): publishes events to a channel with the HTTP publish endpoint, signed with the
 * function's IAM credentials (SigV4, service `appsync`). Publishing is IAM-only: players' tokens can only subscribe.
 * Locally the same request goes to the local Event API server (lib/local/), which checks the signature the same way.
 *
 * The request goes out through the SDK's own Node HTTP handler (node:http, keep-alive), not `fetch`: `fetch` loads and
 * compiles undici on its first call, about 50 ms that the first transition a new runner instance publishes would carry
 * to every player (bench:live found it as the slowest transition of a show).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { eventApiEndpoint } from '../shared/env.ts';
import { invokedFunctionName } from '../shared/powertools.ts';

/** AppSync Events takes at most five events per publish request. */
const MAX_EVENTS_PER_PUBLISH = 5;
const PUBLISH_TIMEOUT_MS = 3000;

const http = new NodeHttpHandler({ connectionTimeout: PUBLISH_TIMEOUT_MS, requestTimeout: PUBLISH_TIMEOUT_MS });

let signer: SignatureV4 | undefined;
const signerOf = () =>
  (signer ??= new SignatureV4({
    service: 'appsync',
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    credentials: defaultProvider(),
    sha256: Sha256,
  }));

class PublishError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'PublishError';
  }
}

/** Publishes events (in order) to one channel; throws PublishError when any of them was not accepted. */
export async function publishToChannel(channel: string, events: object[]): Promise<void> {
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_PUBLISH) {
    await publishChunk(channel, events.slice(i, i + MAX_EVENTS_PER_PUBLISH));
  }
}

async function publishChunk(channel: string, events: object[]): Promise<void> {
  const url = new URL(eventApiEndpoint());
  const body = JSON.stringify({ channel, events: events.map((e) => JSON.stringify(e)) });
  const request = new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  const signed = (await signerOf().sign(request)) as HttpRequest;
  // Which function published (unsigned, informational): the local Event API's test hooks read it.
  signed.headers['x-trivia-function'] = invokedFunctionName() ?? 'unknown';
  const { response } = await http.handle(signed);
  const text = await readText(response.body as AsyncIterable<Uint8Array>);
  if (response.statusCode < 200 || response.statusCode > 299) throw new PublishError(`publish to ${channel} failed: ${response.statusCode} ${text.slice(0, 200)}`, response.statusCode);
  const out = JSON.parse(text || '{}') as { failed?: unknown[] };
  if (out.failed?.length) throw new PublishError(`publish to ${channel}: ${out.failed.length} event(s) failed: ${text.slice(0, 200)}`);
}

async function readText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
