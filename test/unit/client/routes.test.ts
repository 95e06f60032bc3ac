/** The typed client has a method for every http route of the wiring, and each sends that route's method and path. */
import { describe, expect, it } from 'vitest';
import { TriviaClient } from '../../../client/client.ts';
import { httpRoutes } from '../../../lib/wiring.ts';
import { scriptedFetch } from './fakes.ts';

/** How to call each route through the client (the response is not looked at: the fake answers 418). */
const CALLS: Record<string, (api: TriviaClient) => Promise<unknown>> = {
  health: (api) => api.health(),
  openapiSpec: (api) => api.openapi(),
  createQuestion: (api) => api.createQuestion({ question: 'Q?', options: ['a', 'b'], answer: 0 }),
  listQuestions: (api) => api.listQuestions({ limit: 5 }),
  getQuestion: (api) => api.getQuestion('q1'),
  createMediaUpload: (api) => api.createMediaUpload({ content_type: 'image/png' } as Parameters<TriviaClient['createMediaUpload']>[0]),
  createGame: (api) => api.createGame({ qset: ['q1'] }),
  getGame: (api) => api.getGame('g1'),
  createEpisode: (api) => api.createEpisode({ game_id: 'g1' }),
  getEpisode: (api) => api.getEpisode('e1'),
  getLiveSnapshot: (api) => api.getLiveSnapshot('e1'),
  listEpisodes: (api) => api.listEpisodes(),
  getWinners: (api) => api.getWinners('e1'),
  collectClientEvents: (api) => api.sendEvents([{ session_id: 's1', category: 'page', name: 'view', timestamp: 1, data: {} }] as Parameters<TriviaClient['sendEvents']>[0]),
  listClientEvents: (api) => api.clientEvents({ session_id: 's1' }),
  getAttribution: (api) => api.attribution({ from: '2026-01-01', to: '2026-01-02' }),
  getFunnel: (api) => api.funnel({ from: '2026-01-01', to: '2026-01-02' }),
  getMyStanding: (api) => api.getMyStanding('e1'),
  cancelEpisode: (api) => api.cancelEpisode('e1'),
  getStatistics: (api) => api.getStatistics('e1', 2),
  registerParticipant: (api) => api.register('e1'),
  submitResponse: (api) => api.submitAnswer({ episode_id: 'e1', question_id: 'q1', answer: 1 }),
  getReport: (api) => api.getReport('e1'),
  listWinners: (api) => api.listWinners('e1', { limit: 2 }),
  getMe: (api) => api.getMe(),
  updateMe: (api) => api.updateMe({ nickname: 'n' }),
  deleteMe: (api) => api.deleteMe(),
  getLiveStats: (api) => api.liveStats({ window_minutes: 5 }),
  listErrors: (api) => api.errors({ limit: 3 }),
  deadLetterStatus: (api) => api.dlqStatus(),
  redriveDeadLetters: (api) => api.redriveDlq('answers'),
};

const matches = (template: string, path: string) => {
  const t = template.split('/');
  const p = path.split('?')[0].replace(/\/+$/, '').split('/');
  return t.length === p.length && t.every((seg, i) => (seg.startsWith('{') ? p[i] !== '' : seg === p[i]));
};

describe('TriviaClient covers the API', () => {
  for (const route of httpRoutes()) {
    it(`${route.method} ${route.path} (${route.functionId})`, async () => {
      const call = CALLS[route.functionId];
      expect(call, `client/client.ts has no method for ${route.functionId}: add one, and a line here`).toBeDefined();
      const { fetch, calls } = scriptedFetch([{ status: 418, body: { error: { code: 'teapot', message: 'x' } } }]);
      await expect(call(new TriviaClient({ apiUrl: 'http://api.test', fetch }))).rejects.toMatchObject({ status: 418 });
      expect(calls).toHaveLength(1);
      expect(calls[0].method).toBe(route.method);
      expect(matches(route.path, calls[0].url.replace('http://api.test', '')), `${calls[0].url} is not ${route.path}`).toBe(true);
    });
  }
});
