/**
 * The browser project's setup: builds the web apps when they are stale (lib/webBuild.ts), then starts one local stack
 * that serves them (as `npm start` does) and hands its endpoints to the test files (`inject('stack')`).
 */
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../lib/local/stack.ts';
import { ensureWebBuild } from '../../lib/webBuild.ts';
import '../e2e/support/stack.ts';

export default async function setup(project: TestProject) {
  await ensureWebBuild();
  // DynamoDB Local may take long to start when the machine is busy.
  const stack = await startLocalStack({ quiet: true, settleMs: 800, scheduleIntervalMs: 2000, dynamoTimeoutMs: 90_000 });
  project.provide('stack', stack.info());
  return async () => {
    await stack.stop();
  };
}
