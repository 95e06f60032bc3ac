/**
 * The local stand-in for S3 + CloudFront of the web apps: the API server serves the builds (web/dist, `npm run
 * build:web`) and `config.json` on the API's own origin — `/` the player app, `/console/` the host console — with the
 * same security and cache headers as the deployed stack (lib/webHeaders.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { StackOutputs } from '../../client/outputs.ts';
import { IMMUTABLE_CACHE_CONTROL, REVALIDATE_CACHE_CONTROL, contentSecurityPolicy, originOf, securityHeaders } from '../webHeaders.ts';

/** What the apps read from `/config.json` (web/shared/config.ts): the stack's outputs, whether people may sign up, the stage. */
export type WebAppConfig = Pick<StackOutputs, 'ApiUrl' | 'UserPoolId' | 'UserPoolClientId' | 'CognitoEndpoint' | 'EventApiHttpEndpoint' | 'EventApiRealtimeEndpoint'> & {
  SignUpEnabled: boolean;
  Stage: string;
};

export interface WebAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LocalWebApps {
  /** The answer for a GET or HEAD of `path`, or undefined when the path is not the apps' (the API's routes, `/_local/`). */
  handle(path: string): WebAnswer | undefined;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const isAppPath = (path: string) => !path.startsWith('/api/') && !path.startsWith('/_local/');

export function createLocalWebApps(opts: { distDir: string; config: () => WebAppConfig }): LocalWebApps {
  const csp = () => {
    const c = opts.config();
    return contentSecurityPolicy({ connect: [originOf(c.CognitoEndpoint), originOf(c.EventApiHttpEndpoint), originOf(c.EventApiRealtimeEndpoint)] });
  };
  const answer = (status: number, type: string, body: Buffer, cache: string): WebAnswer => ({
    status,
    body,
    headers: { 'content-type': type, 'cache-control': cache, ...securityHeaders(csp()) },
  });

  return {
    handle(path) {
      if (!isAppPath(path)) return undefined;
      if (path === '/config.json') return answer(200, TYPES['.json'], Buffer.from(JSON.stringify(opts.config())), REVALIDATE_CACHE_CONTROL);
      const file = path === '/' ? 'index.html' : path === '/console' || path === '/console/' ? 'console/index.html' : decodeURIComponent(path.slice(1));
      const full = normalize(join(opts.distDir, file));
      if (!full.startsWith(normalize(opts.distDir) + sep) || !existsSync(full) || !statSync(full).isFile()) {
        const hint = existsSync(opts.distDir) ? 'not found' : 'the web apps are not built: run `npm run build:web`';
        return answer(404, 'text/plain; charset=utf-8', Buffer.from(`${hint}\n`), 'no-store');
      }
      const immutable = /(^|\/)assets\//.test(file);
      return answer(200, TYPES[extname(full)] ?? 'application/octet-stream', readFileSync(full), immutable ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL);
    },
  };
}
