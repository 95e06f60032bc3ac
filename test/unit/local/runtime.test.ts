import { afterAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime, type RuntimeFunction } from '../../../lib/local/runtime.ts';
import { REPO_ROOT } from '../../../lib/repoRoot.ts';

const fn = (id: string): RuntimeFunction => ({ id, spec: { entry: 'test/unit/local/fixtures/threadHandler.ts', timeoutSeconds: 10, memorySize: 128 } });
const runtime = createLambdaRuntime({ rootDir: REPO_ROOT, env: {}, threadOf: (id) => (id.startsWith('api') ? 'api' : 'pipeline') });

afterAll(() => runtime.stop());

describe('local Lambda runtime threads', () => {
  it('runs functions of one thread together and of two threads apart', async () => {
    const [a1, a2, p1] = (await Promise.all([runtime.invoke(fn('apiOne'), {}), runtime.invoke(fn('apiTwo'), {}), runtime.invoke(fn('pipelineOne'), {})])) as { threadId: number }[];
    expect(a1.threadId).toBe(a2.threadId);
    expect(p1.threadId).not.toBe(a1.threadId);
  });

  it('does not hold up one thread while the other is busy', async () => {
    await Promise.all([runtime.load(fn('apiOne')), runtime.load(fn('pipelineOne'))]);
    const order: string[] = [];
    const busy = runtime.invoke(fn('pipelineOne'), { busyMs: 1500 }).then(() => order.push('busy pipeline'));
    await new Promise((r) => setTimeout(r, 100));
    const quick = runtime.invoke(fn('apiOne'), {}).then(() => order.push('quick api'));
    await Promise.all([busy, quick]);
    expect(order).toEqual(['quick api', 'busy pipeline']);
  });
});
