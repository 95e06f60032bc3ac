import { describe, expect, it } from 'vitest';
import { createRouter, normalizePath } from '../../../lib/local/router.ts';

describe('local API router', () => {
  const router = createRouter([
    { functionId: 'getEpisode', method: 'GET', path: '/api/v1/episode/{id}', auth: 'user' },
    { functionId: 'getStatistics', method: 'GET', path: '/api/v1/episode/{id}/question/{index}/statistics', auth: 'user' },
    { functionId: 'getMe', method: 'GET', path: '/api/v1/user/me', auth: 'user' },
    { functionId: 'getGame', method: 'GET', path: '/api/v1/user/{id}', auth: 'user' },
    { functionId: 'createGame', method: 'POST', path: '/api/v1/game', auth: 'admin' },
    { functionId: 'health', method: 'GET', path: '/files/{proxy+}', auth: 'public' },
  ]);

  it('matches method and path, with path parameters (URL-decoded)', () => {
    expect(router.match('GET', '/api/v1/episode/ep%201')).toMatchObject({
      route: { functionId: 'getEpisode', routeKey: 'GET /api/v1/episode/{id}' },
      pathParameters: { id: 'ep 1' },
    });
    expect(router.match('GET', '/api/v1/episode/e1/question/2/statistics')?.pathParameters).toEqual({ id: 'e1', index: '2' });
    expect(router.match('post', '/api/v1/game')?.route.functionId).toBe('createGame');
  });

  it('ignores a trailing slash', () => {
    expect(router.match('POST', '/api/v1/game/')?.route.functionId).toBe('createGame');
    expect(normalizePath('/api/v1/game//')).toBe('/api/v1/game');
    expect(normalizePath('/')).toBe('/');
  });

  it('prefers a literal segment to a parameter', () => {
    expect(router.match('GET', '/api/v1/user/me')?.route.functionId).toBe('getMe');
    expect(router.match('GET', '/api/v1/user/someone')?.route.functionId).toBe('getGame');
  });

  it('matches greedy parameters', () => {
    expect(router.match('GET', '/files/a/b/c')?.pathParameters).toEqual({ proxy: 'a/b/c' });
    expect(router.match('GET', '/files')).toBeUndefined();
  });

  it('has no match for another method, a shorter or a longer path', () => {
    expect(router.match('DELETE', '/api/v1/game')).toBeUndefined();
    expect(router.match('GET', '/api/v1/episode')).toBeUndefined();
    expect(router.match('GET', '/api/v1/episode/e1/extra')).toBeUndefined();
  });
});
