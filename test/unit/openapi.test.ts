/**
 * The OpenAPI document: generated from the wiring and the zod schemas, committed as docs/openapi.json, complete.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateOpenApi, renderOpenApi, routeDocs, type DocumentedRoute } from '../../lib/openapi.ts';
import { functions, httpRoutes } from '../../lib/wiring.ts';
import { checkResponse, matchPath, validateResponse } from '../e2e/support/openapi.ts';

const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');

describe('docs/openapi.json', () => {
  it('is exactly what the generator makes now (run `npm run openapi` after changing routes or schemas)', () => {
    expect(committed).toBe(renderOpenApi());
  });

  it('is OpenAPI 3.1 with a bearer JWT scheme', () => {
    const doc = JSON.parse(committed);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });
});

describe('generateOpenApi', () => {
  const doc = generateOpenApi();

  it('has every http route of the wiring, with its auth level', () => {
    const routes = httpRoutes();
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op.operationId).toBe(r.functionId);
      expect(op['x-auth']).toBe(r.auth);
      if (r.auth === 'public') {
        expect(op.security).toEqual([]);
        expect(op.responses['401']).toBeUndefined();
      } else {
        expect(op.security).toEqual([{ bearerAuth: [] }]);
        expect(op.responses['401']).toBeDefined();
      }
      if (r.auth === 'admin') {
        expect(op.description).toContain('Admins only');
        expect(op.responses['403']).toBeDefined();
      }
      expect(Object.keys(op.responses).some((s) => s.startsWith('2')), `${r.method} ${r.path} has a success response`).toBe(true);
    }
  });

  it('has no operation that is not a route of the wiring', () => {
    const routeKeys = new Set(httpRoutes().map((r) => `${r.method.toLowerCase()} ${r.path}`));
    const ops = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`));
    expect(new Set(ops)).toEqual(routeKeys);
  });

  it('documents request bodies with the schemas the handlers validate with', () => {
    const body = (path: string) => doc.paths[path].post.requestBody?.content?.['application/json'].schema;
    expect(body('/api/v1/question')).toEqual({ $ref: '#/components/schemas/QuestionInput' });
    const q = doc.components.schemas.QuestionInput as { required: string[]; additionalProperties: boolean; properties: Record<string, unknown> };
    expect(q.required.sort()).toEqual(['answer', 'options', 'question']);
    expect(q.additionalProperties).toBe(false);
    // `answer` is an index as a number or as a string, as the contract allows
    expect(JSON.stringify(q.properties.answer)).toContain('integer');
    expect(JSON.stringify(q.properties.answer)).toContain('string');
    const e = doc.components.schemas.EpisodeInput as { required: string[]; properties: Record<string, { minimum?: number; maximum?: number }> };
    expect(e.required).toEqual(['game_id']);
    expect(e.properties.answer_window_seconds).toMatchObject({ minimum: 1, maximum: 60 });
  });

  it('resolves every $ref', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of new Set(refs)) {
      const path = ref.slice('"$ref":"#/'.length, -1).split('/');
      let node: unknown = doc;
      for (const p of path) node = (node as Record<string, unknown>)?.[p];
      expect(node, ref).toBeDefined();
    }
  });

  it('throws for a route without a routeDocs entry', () => {
    const extra: DocumentedRoute = { functionId: 'brandNew' as never, method: 'GET', path: '/api/v1/brand-new', auth: 'user' };
    expect(() => generateOpenApi([...httpRoutes(), extra])).toThrow(/no routeDocs entry for GET \/api\/v1\/brand-new \(brandNew\)/);
  });

  it('throws for a routeDocs entry whose function has no route', () => {
    expect(() => generateOpenApi(httpRoutes().filter((r) => r.functionId !== 'getMe'))).toThrow(/without an http route: getMe/);
  });

  it('documents exactly the http functions of the wiring', () => {
    const httpFunctions = Object.entries(functions)
      .filter(([, spec]) => spec.triggers.some((t) => t.kind === 'http'))
      .map(([id]) => id)
      .sort();
    expect(Object.keys(routeDocs).sort()).toEqual(httpFunctions);
  });
});

describe('validateResponse (test/e2e/support/openapi.ts)', () => {
  it('matches concrete paths to templates, literals first, trailing slash and query ignored', () => {
    expect(matchPath('/api/v1/question/')).toBe('/api/v1/question');
    expect(matchPath('/api/v1/question/q1')).toBe('/api/v1/question/{id}');
    expect(matchPath('http://127.0.0.1:3000/api/v1/episode/e1/question/2/statistics?x=1')).toBe('/api/v1/episode/{id}/question/{index}/statistics');
    expect(matchPath('/api/v1/user/me')).toBe('/api/v1/user/me');
    expect(matchPath('/api/v1/nope')).toBeUndefined();
  });

  it('accepts a documented body and rejects a wrong one, an undocumented status and an unknown route', () => {
    expect(() => validateResponse('GET', '/api/v1/health', 200, { status: 'ok', version: '0.1.0', server_time: 1 })).not.toThrow();
    expect(() => validateResponse('GET', '/api/v1/health', 200, { status: 'ok' })).toThrow(/version/);
    expect(() => validateResponse('POST', '/api/v1/response/', 202, { status: 'accepted', received_at: 'soon' })).toThrow(/received_at/);
    expect(checkResponse('GET', '/api/v1/health', 418, {}).errors[0]).toMatch(/status 418 is not documented/);
    expect(checkResponse('DELETE', '/api/v1/health', 200, {}).ok).toBe(false);
    expect(() => validateResponse('GET', '/api/v1/episode/e1', 404, { error: { code: 'episode_not_found', message: 'episode e1 does not exist' } })).not.toThrow();
    expect(() => validateResponse('GET', '/api/v1/episode/e1', 401, { message: 'Unauthorized' })).not.toThrow();
    expect(() => validateResponse('GET', '/api/v1/episode/e1', 404, { error: { code: 'Not Found', message: 'x' } })).toThrow(/pattern/);
  });
});
