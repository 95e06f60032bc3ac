/**
 * The baseline path: the original system's synchronous per-answer handler (bench/baseline/submitResponse.ts), behind
 * the same kind of HTTP server and authorizer as ours, on tables of its own, at the same concurrency.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startApiServer } from '../../lib/local/apiServer.ts';
import { createJwtAuthorizer } from '../../lib/local/authorizer.ts';
import { createTableInput, dynamoClient } from '../../lib/local/dynamo.ts';
import { handlerEnvironment } from '../../lib/local/env.ts';
import { tableKeyNames } from '../../lib/local/peers.ts';
import { createRouter } from '../../lib/local/router.ts';
import { createLambdaRuntime } from '../../lib/local/runtime.ts';
import { REPO_ROOT } from '../../lib/repoRoot.ts';
import { functions, tables, type FunctionId } from '../../lib/wiring.ts';
import { cpuNow } from '../measure.ts';
import { RIGHT, log } from './config.ts';
import { call, pool } from './http.ts';
import type { PathMeasurement } from './report.ts';
import { answerOf, cpuSince, meter, quiescent, type Bench } from './setUp.ts';

/** The original system's four tables, keyed as this project's (the baseline handler writes its own keys into them). */
const BASELINE_TABLES = ['episodes', 'responses', 'statistics', 'participants'] as const;
type BaselineTableId = (typeof BASELINE_TABLES)[number];

/**
 * Tables of its own, without streams or indexes, so that none of our processors reacts to (or is billed for) its
 * writes; the metering proxy learns their keys.
 */
async function createBaselineTables(bench: Bench): Promise<Record<BaselineTableId, string>> {
  const client = dynamoClient(bench.stack.dynamoEndpoint);
  const names = Object.fromEntries(BASELINE_TABLES.map((id) => [id, `${bench.run}-b-${id}`])) as Record<BaselineTableId, string>;
  try {
    for (const id of BASELINE_TABLES) {
      await client.send(new CreateTableCommand(createTableInput(names[id], { ...tables[id], stream: undefined, globalSecondaryIndexes: undefined })));
      bench.stack.proxy!.meter.registerTable(names[id], tableKeyNames(id));
    }
  } finally {
    client.destroy();
  }
  return names;
}

/** Warms the baseline up as ours was (as many answers, on an episode of its own), then measures the players' answers. */
export async function measureBaseline(bench: Bench): Promise<PathMeasurement> {
  const { stack, config, players, warmupPlayers, run } = bench;
  log('baseline: the original per-answer path');
  const baselineTables = await createBaselineTables(bench);
  const env = handlerEnvironment({
    dynamoEndpoint: stack.proxy!.endpoint,
    sqsEndpoint: stack.sqsEndpoint,
    cognitoEndpoint: stack.outputs.CognitoEndpoint,
    tableNames: { ...stack.tableNames, ...baselineTables },
    queueUrls: stack.queueUrls,
    userPoolId: stack.outputs.UserPoolId,
    userPoolClientId: stack.outputs.UserPoolClientId,
    outboxFile: stack.outboxFile,
    quiet: true,
    rootDir: REPO_ROOT,
  });
  const runtime = createLambdaRuntime({ rootDir: REPO_ROOT, env });
  const compute = { invocations: 0, gbSeconds: 0 };
  const baselineFn = { id: 'baselineSubmitResponse', spec: { entry: 'bench/baseline/submitResponse.ts', timeoutSeconds: 10, memorySize: functions.submitResponse.memorySize } };
  await runtime.load(baselineFn);
  const api = await startApiServer({
    port: 0,
    router: createRouter([{ functionId: 'baselineSubmitResponse' as FunctionId, method: 'POST', path: '/baseline/response', auth: 'user' }]),
    authorizer: createJwtAuthorizer({ issuer: bench.issuer, audience: [stack.outputs.UserPoolClientId], jwksUri: `${bench.issuer}/.well-known/jwks.json` }),
    invoke: async (_id, event) => {
      const started = performance.now();
      try {
        return await runtime.invoke(baselineFn, event);
      } finally {
        compute.invocations++;
        compute.gbSeconds += ((performance.now() - started) / 1000) * (baselineFn.spec.memorySize / 1024);
      }
    },
  });
  try {
    const questionId = `${run}-q`;
    const episode = `${run}-baseline`;
    const open = Date.now() + 600_000;
    for (const id of [episode, `${episode}-warmup`]) {
      await bench.direct.send(new PutCommand({ TableName: baselineTables.episodes, Item: { id: `baseline#${id}`, question_id: questionId, answer: RIGHT, question_end_timestamp: open } }));
    }
    await pool(warmupPlayers, config.concurrency, async (p) => {
      await call(`${api.url}/baseline/response`, p.token, 'POST', { episode_id: `${episode}-warmup`, question_id: questionId, answer: answerOf(p, -1) });
    });
    await quiescent(stack);
    stack.proxy!.meter.reset();
    let accepted = 0;
    const cpu0 = cpuNow();
    const t0 = performance.now();
    const latencies = await pool(players, config.concurrency, async (p) => {
      const i = players.indexOf(p);
      const r = await call(`${api.url}/baseline/response`, p.token, 'POST', { episode_id: episode, question_id: questionId, answer: answerOf(p, i) });
      if (r.status === 202) accepted++;
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSince(cpu0, accepted);
    // No queue on this path; its answers are final when stored.
    return { answers: accepted, seconds, latencies, meter: meter(stack), compute, sqsRequests: 0, closeToFinalMs: null, cpu };
  } finally {
    await api.stop();
    await runtime.stop();
  }
}
