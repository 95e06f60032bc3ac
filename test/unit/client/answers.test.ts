/** Idempotent answers: a 409 duplicate_answer after an attempt that may have been accepted counts as success. */
import { describe, expect, it } from 'vitest';
import { TriviaClient } from '../../../client/client.ts';
import { connectionRefused, scriptedFetch, type Step } from './fakes.ts';

const ANSWER = { episode_id: 'e1', question_id: 'q1', answer: 2 };
const ACCEPTED = { status: 202, body: { status: 'accepted', received_at: 1234 } };
const DUPLICATE = { status: 409, body: { error: { code: 'duplicate_answer', message: 'only the first answer counts' } } };

const client = (steps: Step[]) => {
  const { fetch, calls } = scriptedFetch(steps);
  return { api: new TriviaClient({ apiUrl: 'http://api.test', fetch, sleep: async () => {} }), calls };
};

describe('submitAnswer', () => {
  it('returns the 202', async () => {
    const { api, calls } = client([ACCEPTED]);
    await expect(api.submitAnswer(ANSWER)).resolves.toEqual({ status: 'accepted', received_at: 1234 });
    expect(calls[0]).toMatchObject({ method: 'POST', url: 'http://api.test/api/v1/response/', body: ANSWER });
  });

  it('treats 409 duplicate_answer after a lost 202 (5xx) as accepted', async () => {
    const { api, calls } = client([{ status: 503 }, DUPLICATE]);
    await expect(api.submitAnswer(ANSWER)).resolves.toEqual({ status: 'accepted', duplicate: true });
    expect(calls).toHaveLength(2);
  });

  it('treats 409 duplicate_answer after a network error as accepted', async () => {
    const { api } = client([{ error: connectionRefused() }, DUPLICATE]);
    await expect(api.submitAnswer(ANSWER)).resolves.toMatchObject({ duplicate: true });
  });

  it('treats a repeated submission of an accepted answer as accepted', async () => {
    const { api } = client([ACCEPTED, DUPLICATE]);
    await api.submitAnswer(ANSWER);
    await expect(api.submitAnswer({ ...ANSWER, answer: '2' })).resolves.toMatchObject({ duplicate: true });
  });

  it('reports a real duplicate (an answer this client never had accepted)', async () => {
    const { api } = client([DUPLICATE]);
    await expect(api.submitAnswer(ANSWER)).rejects.toMatchObject({ status: 409, code: 'duplicate_answer' });
  });

  it('does not hide other conflicts after a retry', async () => {
    const { api } = client([{ status: 503 }, { status: 409, body: { error: { code: 'answer_window_closed', message: 'closed' } } }]);
    await expect(api.submitAnswer(ANSWER)).rejects.toMatchObject({ code: 'answer_window_closed' });
  });

  it('does not count a throttled attempt as possibly accepted', async () => {
    const { api } = client([{ status: 429, body: { error: { code: 'throttled', message: 'busy' } } }, DUPLICATE]);
    await expect(api.submitAnswer(ANSWER)).rejects.toMatchObject({ code: 'duplicate_answer' });
  });
});
