/**
 * Starts the whole local stack once for the e2e project (vitest globalSetup) and hands its endpoints to the test
 * files (`inject('stack')`, see support/stack.ts). Handlers run in the stack's own runtime thread, so their
 * environment does not leak into the test workers.
 */
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../lib/local/stack.ts';
import { ensureWebBuild } from '../../lib/webBuild.ts';
import './support/stack.ts';

export default async function setup(project: TestProject) {
  // `npm start` (test/e2e/localCli.test.ts) and the stack serve the web apps: build them first when stale, so no test
  // pays for a build inside its own time limit (the browser project does the same; this covers `--project e2e` alone).
  await ensureWebBuild();
  const stack = await startLocalStack({
    quiet: true,
    settleMs: 800,
    scheduleIntervalMs: 2000,
    // The functions reach DynamoDB through a proxy that fault tests use to inject throttling and failures.
    dynamoProxy: true,
    // Shows whose bodies leave the timings to the defaults (the original API examples) run in seconds, not minutes.
    // Every rejection is recorded in the errors table (no sampling), so that tests can find each case they send.
    functionEnv: { DEFAULT_LEAD_SECONDS: '2', DEFAULT_ANSWER_WINDOW_SECONDS: '5', DEFAULT_REVEAL_SECONDS: '1', ERRORS_SAMPLE_BURST: '100000' },
  });
  project.provide('stack', stack.info());
  return async () => {
    await stack.stop();
  };
}
