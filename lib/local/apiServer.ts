/**
 * API Gateway (HTTP API), locally: a node:http server that does what the deployed API does with a request — CORS
 * preflight, route selection (trailing slash ignored), the JWT authorizer on every non-public route, a payload-2.0
 * event to the route's function, and the function's result back — with API Gateway's own answers where API Gateway
 * answers itself (401 Unauthorized, 413, 500 Internal Server Error).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { FunctionId } from '../wiring.ts';
import type { JwtAuthorizer } from './authorizer.ts';
import { httpEvent, httpResponse } from './events.ts';
import { errorFields, silentLog, type LocalLog } from './log.ts';
import { LOCAL_MEDIA_PATH, type LocalMedia } from './media.ts';
import { LOCAL_HOST, isAddressInUse, portInUse } from './ports.ts';
import { readRequestBody, RequestTooLarge } from './requestBody.ts';
import type { Router } from './router.ts';
import type { LocalWebApps } from './webApps.ts';

/** API Gateway's payload limit. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** The deployed API's CORS configuration (lib/constructs/api.ts): API Gateway answers preflights itself. */
export const CORS = {
  allowOrigins: ['*'],
  allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowHeaders: ['authorization', 'content-type'],
};

export interface ApiServerOptions {
  port: number;
  host?: string;
  router: Router;
  authorizer: JwtAuthorizer;
  invoke: (functionId: FunctionId, event: unknown) => Promise<unknown>;
  /** Local-only endpoints under `/_local/` (not part of the API); return undefined for 404. */
  local?: (path: string) => unknown;
  /** The local stand-in for S3 and CloudFront of question media, under `/_local/media/` (lib/local/media.ts). */
  media?: LocalMedia;
  /** The web apps and their config.json on this origin, as CloudFront serves them from S3 (lib/local/webApps.ts). */
  web?: LocalWebApps;
  log?: LocalLog;
}

export interface ApiServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const json = (body: unknown) => Buffer.from(JSON.stringify(body), 'utf8');

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? silentLog;
  const host = options.host ?? LOCAL_HOST;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q === -1 ? url : url.slice(0, q);
    const rawQueryString = q === -1 ? '' : url.slice(q + 1);
    const origin = req.headers.origin;
    let functionId: string | undefined;
    let routeKey: string | undefined;
    let failure: Record<string, unknown> | undefined;

    const send = (status: number, body: Buffer, headers: Record<string, string> = {}, cookies: string[] = []) => {
      const out: Record<string, string | string[]> = { ...headers, 'apigw-requestid': requestId, 'content-length': String(body.length) };
      if (cookies.length) out['set-cookie'] = cookies;
      if (origin && !out['access-control-allow-origin']) out['access-control-allow-origin'] = CORS.allowOrigins[0];
      res.writeHead(status, out);
      res.end(method === 'HEAD' ? undefined : body);
      log.info('request', {
        method,
        path: rawPath,
        ...(routeKey ? { route: routeKey } : {}),
        ...(functionId ? { function: functionId } : {}),
        status,
        ms: Date.now() - started,
        requestId,
        ...failure,
      });
    };

    try {
      if (method === 'OPTIONS' && origin && req.headers['access-control-request-method']) {
        send(204, Buffer.alloc(0), {
          'access-control-allow-origin': CORS.allowOrigins[0],
          'access-control-allow-methods': CORS.allowMethods.join(','),
          'access-control-allow-headers': CORS.allowHeaders.join(','),
        });
        return;
      }

      let body: Buffer;
      try {
        body = await readRequestBody(req, MAX_REQUEST_BYTES);
      } catch (err) {
        if (err instanceof RequestTooLarge) {
          res.setHeader('connection', 'close');
          send(413, json({ message: 'Request Entity Too Large' }), { 'content-type': 'application/json' });
          return;
        }
        throw err;
      }

      if (options.media && rawPath.startsWith(`${LOCAL_MEDIA_PATH}/`)) {
        const answer = options.media.handle({ method, path: rawPath, query: new URLSearchParams(rawQueryString), headers: req.headers, body });
        send(answer.status, answer.body, answer.headers);
        return;
      }

      if (rawPath.startsWith('/_local/') && options.local) {
        const answer = method === 'GET' ? options.local(rawPath) : undefined;
        if (answer !== undefined) {
          send(200, json(answer), { 'content-type': 'application/json' });
          return;
        }
      }

      if (options.web && (method === 'GET' || method === 'HEAD')) {
        const page = options.web.handle(rawPath);
        if (page) {
          send(page.status, page.body, page.headers);
          return;
        }
      }

      const match = options.router.match(method, rawPath);
      if (!match) {
        // API Gateway's own answer for a path no route matches (not the contract's error shape: no function ran).
        send(404, json({ message: 'Not Found' }), { 'content-type': 'application/json' });
        return;
      }
      routeKey = match.route.routeKey;
      functionId = match.route.functionId;

      let jwt: { claims: Record<string, string>; scopes: string[] | null } | undefined;
      if (match.route.auth !== 'public') {
        const verdict = await options.authorizer(req.headers.authorization);
        if (!verdict.ok) {
          failure = { authorizer: verdict.reason };
          send(401, json({ message: 'Unauthorized' }), { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
          return;
        }
        jwt = { claims: verdict.claims, scopes: verdict.scopes };
      }

      const event = httpEvent({
        method,
        rawPath,
        rawQueryString,
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        routeKey,
        pathParameters: match.pathParameters,
        jwt,
        requestId,
        timeEpoch: started,
        domainName: req.headers.host ?? `${host}`,
      });

      let result: unknown;
      try {
        result = await options.invoke(match.route.functionId, event);
      } catch (err) {
        failure = errorFields(err);
        send(500, json({ message: 'Internal Server Error' }), { 'content-type': 'application/json' });
        return;
      }
      let response;
      try {
        response = httpResponse(result);
        if (!Number.isInteger(response.status) || response.status < 100 || response.status > 599) throw new Error(`invalid statusCode ${response.status}`);
      } catch (err) {
        failure = { ...errorFields(err), note: 'malformed Lambda response' };
        send(500, json({ message: 'Internal Server Error' }), { 'content-type': 'application/json' });
        return;
      }
      send(response.status, response.body, response.headers, response.cookies);
    } catch (err) {
      failure = errorFields(err);
      if (!res.headersSent) send(500, json({ message: 'Internal Server Error' }), { 'content-type': 'application/json' });
      else res.destroy();
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(isAddressInUse(err) ? portInUse(options.port, 'the API', 'set PORT to a free port') : err));
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
