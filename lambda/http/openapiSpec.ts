import { generateOpenApi, type OpenApiDocument } from '../../lib/openapi.ts';
import { httpHandler, json } from '../shared/http.ts';

let spec: OpenApiDocument | undefined;

/** `GET /api/v1/openapi.json`: generated from the wiring and the zod schemas once per container, with this API as its server. */
export const handler = httpHandler({ auth: 'public' }, async ({ event }) => {
  spec ??= generateOpenApi();
  const host = event.headers?.host;
  const proto = event.headers?.['x-forwarded-proto'] ?? (host?.startsWith('127.0.0.1') || host?.startsWith('localhost') ? 'http' : 'https');
  const body = host ? { ...spec, servers: [{ url: `${proto}://${host}` }] } : spec;
  return json(200, body, { 'cache-control': 'public, max-age=300' });
});
