/**
 * docs/CONTRACT.md, the repository's own contract, stays in step with docs/openapi.json: every route and every error
 * code of the OpenAPI document is named in it, and every route it names in its API table is one the document has.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../lambda/domain/errorCodes.ts';

const contract = readFileSync(new URL('../../docs/CONTRACT.md', import.meta.url), 'utf8');
const openapi = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>;
  info: { description: string };
};

const documentedRoutes = Object.entries(openapi.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
/** `GET /api/v1/x` and `GET /api/v1/x/` (a trailing slash is optional), and `GET /api/v1/user/me, PUT /api/v1/user/me` forms. */
const namesRoute = (route: string) => {
  const [method, path] = route.split(' ');
  return contract.includes(`\`${route}\``) || contract.includes(`\`${route}/\``) || contract.includes(`\`${method} ${path}?`);
};

describe('docs/CONTRACT.md', () => {
  it('names every route of docs/openapi.json', () => {
    expect(documentedRoutes.length).toBeGreaterThan(10);
    expect(documentedRoutes.filter((route) => !namesRoute(route))).toEqual([]);
  });

  it('names every error code of docs/openapi.json, with the same status', () => {
    const codes = [...openapi.info.description.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], m[2]] as const);
    expect(codes.map(([code]) => code).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, status] of codes) expect(contract, code).toContain(`| \`${code}\` | ${status} |`);
  });

  it('names only routes of docs/openapi.json in its table of API v1', () => {
    const table = contract.slice(contract.indexOf('## API v1'), contract.indexOf('### Input rules'));
    const named = [...table.matchAll(/^\| `([A-Z]+ \/api\/v1\/[^`]*)`/gm)].map((m) => m[1].replace(/\/$/, ''));
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((route) => !documentedRoutes.includes(route))).toEqual([]);
  });

  it('is what the README links, not a path outside the repository', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('(docs/CONTRACT.md)');
    expect(readme).not.toContain('../shared/DESIGN.md');
  });
});
