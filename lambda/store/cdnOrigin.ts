/**
 * The distribution's origin header, changed through CloudFront's REST API (GetDistributionConfig, then
 * UpdateDistribution with the ETag), signed with SigV4. A hand-signed call because the functions' runtime ships no
 * CloudFront client and the project adds no dependency for two requests.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

const HOST = 'cloudfront.amazonaws.com';
const API_VERSION = '2020-05-31';

const signer = new SignatureV4({ service: 'cloudfront', region: 'us-east-1', credentials: defaultProvider(), sha256: Sha256 });

async function cloudFront(method: 'GET' | 'PUT', path: string, body?: string, headers: Record<string, string> = {}, fetcher: typeof fetch = fetch) {
  const request = new HttpRequest({ method, protocol: 'https:', hostname: HOST, path, headers: { host: HOST, ...headers }, ...(body === undefined ? {} : { body }) });
  const signed = await signer.sign(request);
  const res = await fetcher(`https://${HOST}${path}`, { method, headers: signed.headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  if (!res.ok) throw new Error(`CloudFront ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { text, etag: res.headers.get('etag') ?? undefined };
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The distribution config with every origin custom header `name` set to `value`; throws when no origin has it. */
export function withOriginHeader(configXml: string, name: string, value: string): string {
  const header = new RegExp(`(<HeaderName>\\s*${name.replace(/[-]/g, '\\-')}\\s*</HeaderName>\\s*<HeaderValue>)[^<]*(</HeaderValue>)`, 'gi');
  let count = 0;
  const out = configXml.replace(header, (_m, open: string, close: string) => {
    count++;
    return `${open}${escapeXml(value)}${close}`;
  });
  if (count === 0) throw new Error(`no origin of the distribution has the header ${name}`);
  return out;
}

/** The values of the origin custom header `name`, one per origin that has it. */
export function originHeaderValues(configXml: string, name: string): string[] {
  const header = new RegExp(`<HeaderName>\\s*${name.replace(/[-]/g, '\\-')}\\s*</HeaderName>\\s*<HeaderValue>([^<]*)</HeaderValue>`, 'gi');
  return [...configXml.matchAll(header)].map((m) => m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
}

export async function distributionConfig(distributionId: string, fetcher?: typeof fetch): Promise<{ xml: string; etag: string }> {
  const { text, etag } = await cloudFront('GET', `/${API_VERSION}/distribution/${encodeURIComponent(distributionId)}/config`, undefined, {}, fetcher);
  if (!etag) throw new Error('CloudFront returned no ETag');
  return { xml: text, etag };
}

/** Sets the origin header on every origin that has it (CloudFront then deploys the change to its edges). */
export async function setOriginHeader(distributionId: string, name: string, value: string, fetcher?: typeof fetch): Promise<void> {
  const { xml, etag } = await distributionConfig(distributionId, fetcher);
  if (originHeaderValues(xml, name).every((v) => v === value)) return;
  await cloudFront('PUT', `/${API_VERSION}/distribution/${encodeURIComponent(distributionId)}/config`, withOriginHeader(xml, name, value), {
    'content-type': 'text/xml',
    'if-match': etag,
  }, fetcher);
}
