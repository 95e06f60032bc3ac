/** The local stand-in for S3 + CloudFront of the web apps: what is served where, with which headers. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalWebApps, type WebAppConfig } from '../../../lib/local/webApps.ts';
import { IMMUTABLE_CACHE_CONTROL, REVALIDATE_CACHE_CONTROL, STRICT_TRANSPORT_SECURITY } from '../../../lib/webHeaders.ts';

let dist: string;
const config: WebAppConfig = {
  ApiUrl: 'http://127.0.0.1:3000',
  UserPoolId: 'local_pool',
  UserPoolClientId: 'client',
  CognitoEndpoint: 'http://127.0.0.1:9229',
  EventApiRealtimeEndpoint: 'ws://127.0.0.1:3005/event/realtime',
  SignUpEnabled: false,
  Stage: 'local',
};

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'web-dist-'));
  mkdirSync(join(dist, 'assets'));
  mkdirSync(join(dist, 'console'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>player</title>');
  writeFileSync(join(dist, 'console', 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dist, 'assets', 'app-1a2b.js'), 'export {}');
});

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('local web apps', () => {
  const web = () => createLocalWebApps({ distDir: dist, config: () => config });

  it('serves the player app at /, the console at /console and /console/, and config.json, none of them cached', () => {
    for (const [path, title] of [['/', 'player'], ['/console', 'console'], ['/console/', 'console']]) {
      const a = web().handle(path)!;
      expect(a.status).toBe(200);
      expect(a.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(a.headers['cache-control']).toBe(REVALIDATE_CACHE_CONTROL);
      expect(a.body.toString()).toContain(`<title>${title}</title>`);
    }
    const c = web().handle('/config.json')!;
    expect(JSON.parse(c.body.toString())).toEqual(config);
    expect(c.headers['cache-control']).toBe(REVALIDATE_CACHE_CONTROL);
  });

  it('serves hashed assets as immutable', () => {
    const a = web().handle('/assets/app-1a2b.js')!;
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(a.headers['cache-control']).toBe(IMMUTABLE_CACHE_CONTROL);
  });

  it('sends the deployed security headers: a CSP without inline script that admits Cognito and the Event API, HSTS, no framing', () => {
    const h = web().handle('/')!.headers;
    expect(h['content-security-policy']).toContain("script-src 'self';");
    expect(h['content-security-policy']).not.toContain('unsafe-inline');
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['content-security-policy']).toMatch(/connect-src 'self' http:\/\/127\.0\.0\.1:9229 ws:\/\/127\.0\.0\.1:3005;/);
    expect(h['strict-transport-security']).toBe(STRICT_TRANSPORT_SECURITY);
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['x-content-type-options']).toBe('nosniff');
  });

  it('leaves the API and local paths alone, and never serves outside the build', () => {
    expect(web().handle('/api/v1/health')).toBeUndefined();
    expect(web().handle('/_local/stats')).toBeUndefined();
    expect(web().handle('/../package.json')!.status).toBe(404);
    expect(web().handle('/%2e%2e/package.json')!.status).toBe(404);
    expect(web().handle('/missing.js')!.status).toBe(404);
  });

  it('says how to build when there is no build', () => {
    const a = createLocalWebApps({ distDir: join(dist, 'nope'), config: () => config }).handle('/')!;
    expect(a.status).toBe(404);
    expect(a.body.toString()).toContain('npm run build:web');
  });
});
