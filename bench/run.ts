/**
 * `npm run bench`: one question, N players, two answer paths, the same DynamoDB Local.
 *
 * - ours: players register and answer through the real HTTP API (JWT authorizer, answer handler, answers queue,
 *   consumer, stream grader, runner); "counted" means the grader's partial sums reached every accepted answer.
 * - baseline: the original system's synchronous path (bench/baseline/submitResponse.ts), behind the same kind of
 *   HTTP server and authorizer, at the same concurrency.
 * A metering proxy in front of DynamoDB Local counts the write requests of each phase and the hottest item.
 * Each path first plays a smaller warm-up round (warm containers and JIT, as in a show's steady state), and each
 * measured phase starts once the stack's event sources are idle (the previous phase's backlog has drained).
 * Both paths share this machine's cores, so the bench also reports the CPU each costs per answer.
 *
 * Flags: --players N (2000), --concurrency C (64), --accuracy p (0.7), --out FILE (bench-results.json).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { QueryCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { startLocalStack, REPO_ROOT, type LocalStack, type SourceStats } from '../lib/local/stack.ts';
import { localAccessToken } from '../lib/local/tokens.ts';
import { createRouter } from '../lib/local/router.ts';
import { createJwtAuthorizer } from '../lib/local/authorizer.ts';
import { startApiServer } from '../lib/local/apiServer.ts';
import { createLambdaRuntime } from '../lib/local/runtime.ts';
import { handlerEnvironment } from '../lib/local/env.ts';
import { dynamoClient } from '../lib/local/dynamo.ts';
import type { FunctionId } from '../lib/wiring.ts';
import { functions, tables } from '../lib/wiring.ts';
import type { MeterSnapshot } from '../lib/local/dynamoProxy.ts';
import { costPerMillionAnswers, PRICES } from './cost.ts';
import { cpuNow, percentile, round, sleep } from './measure.ts';

const { values: flags } = parseArgs({
  options: {
    players: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
    accuracy: { type: 'string', default: '0.7' },
    out: { type: 'string', default: 'bench-results.json' },
  },
});
const PLAYERS = Number(flags.players);
const CONCURRENCY = Number(flags.concurrency);
const ACCURACY = Number(flags.accuracy);
const OPTIONS = ['A', 'B', 'C'];
const RIGHT = 1;
const WINDOW_SECONDS = 30;
const REVEAL_SECONDS = 5;
const WARMUP_PLAYERS = Math.min(PLAYERS, 300);
/** How many refused answers are measured (players of the measured show answering an episode they did not join). */
const REFUSED_ANSWERS = 1000;

export interface PathResult {
  answers_per_second: number;
  p50_ms: number;
  p99_ms: number;
  close_to_final_ms: number | null;
  writes_per_answer: number;
  hottest_item_writes_per_answer: number;
  cost_per_million_usd: number;
}

const log = (...parts: unknown[]) => console.error('[bench]', ...parts);

/** Runs `work` for every item with at most `limit` in flight; returns each call's latency in ms. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        const t0 = performance.now();
        await work(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses of the API under measurement are read loosely
async function call(url: string, token: string, method: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number, what: string, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await sleep(everyMs);
  }
}

const cpuSince = (from: { node: number; java: number }, answers: number) => {
  const to = cpuNow();
  return { node: round((to.node - from.node) / answers, 2), dynamodb_local: round((to.java - from.java) / answers, 2) };
};

/**
 * Waits until the stack's event sources have been idle for a while (schedule timers aside), so that a phase is not
 * measured while the previous one's backlog (2,000 registrations' counts and events, say) still runs.
 */
async function quiescent(stack: LocalStack, idleMs = 1500, timeoutMs = 120_000): Promise<void> {
  const busy = () =>
    Object.entries(stack.stats().sources)
      .filter(([source]) => !source.startsWith('schedule:'))
      .reduce((n, [, s]) => n + s.invocations, 0);
  const deadline = Date.now() + timeoutMs;
  let last = busy();
  let idleSince = Date.now();
  while (Date.now() - idleSince < idleMs) {
    if (Date.now() > deadline) throw new Error('the local stack did not settle');
    await sleep(100);
    const now = busy();
    if (now !== last) [last, idleSince] = [now, Date.now()];
  }
}

async function meter(stack: LocalStack): Promise<MeterSnapshot> {
  return stack.proxy!.meter.snapshot();
}

async function main() {
  log(`starting a fresh local stack (players ${PLAYERS}, concurrency ${CONCURRENCY})`);
  const stack = await startLocalStack({ quiet: true, demoUsers: false, dynamoProxy: true });
  const direct = DynamoDBDocumentClient.from(dynamoClient(stack.dynamoEndpoint));
  const issuer = `${stack.outputs.CognitoEndpoint}/${stack.outputs.UserPoolId}`;
  const token = (sub: string, groups?: string[]) => localAccessToken({ issuer, clientId: stack.outputs.UserPoolClientId, sub, groups });
  try {
    const run = `bench-${Date.now().toString(36)}`;
    const admin = await token(`${run}-admin`, ['admin']);
    const players = await Promise.all(Array.from({ length: PLAYERS }, async (_, i) => ({ sub: `${run}-p${i}`, token: await token(`${run}-p${i}`), right: i < Math.round(PLAYERS * ACCURACY) })));
    const answerOf = (p: { right: boolean }, i: number) => (p.right ? RIGHT : i % 2 === 0 ? 0 : 2);
    const warmupPlayers = await Promise.all(Array.from({ length: WARMUP_PLAYERS }, async (_, i) => ({ sub: `${run}-w${i}`, token: await token(`${run}-w${i}`), right: i % 2 === 0 })));

    /* ---------------- ours ---------------- */
    const api = stack.apiUrl;
    const questionId = `${run}-q`;
    /**
     * Each show gets a question and a game of its own: two running episodes never share a question (rule 6 across
     * episodes), and the warm-up show is still running when the measured one is created.
     */
    const gameFor = async (episodeId: string) => {
      const id = `${episodeId}-q`;
      await call(`${api}/api/v1/question`, admin, 'POST', { id, question: 'Benchmark?', options: OPTIONS, answer: RIGHT });
      await call(`${api}/api/v1/game`, admin, 'POST', { id: `${episodeId}-game`, qset: [id] });
      return { questionId: id, gameId: `${episodeId}-game` };
    };

    /** One show of one question through the real API: registration, then every player answers; measured from the first POST until every accepted answer is counted. */
    const playOurs = async (episodeId: string, showPlayers: typeof players) => {
      const { questionId, gameId } = await gameFor(episodeId);
      const created = await call(`${api}/api/v1/episode`, admin, 'POST', {
        id: episodeId,
        game_id: gameId,
        min_participant: showPlayers.length,
        answer_window_seconds: WINDOW_SECONDS,
        reveal_seconds: REVEAL_SECONDS,
        // Room for the registration backlog (participant counts, events) to drain before the question opens.
        lead_seconds: 15,
      });
      if (created.status !== 201) throw new Error(`episode not created: ${JSON.stringify(created.body)}`);
      await pool(showPlayers, CONCURRENCY, async (p) => {
        const r = await call(`${api}/api/v1/participant`, p.token, 'POST', { episode_id: episodeId });
        if (r.status !== 201) throw new Error(`registration failed: ${r.status} ${JSON.stringify(r.body)}`);
      });
      await quiescent(stack);
      await until(() => call(`${api}/api/v1/episode/${episodeId}`, admin, 'GET'), (r) => r.body?.state === 'QUESTION_OPEN', 120_000, 'question open');

      stack.proxy!.meter.reset();
      const statsBefore = stack.stats().sources;
      const cpu0 = cpuNow();
      const t0 = performance.now();
      let accepted = 0;
      const latencies = await pool(showPlayers, CONCURRENCY, async (p) => {
        const i = players.indexOf(p);
        const r = await call(`${api}/api/v1/response`, p.token, 'POST', { episode_id: episodeId, question_id: questionId, answer: answerOf(p, i) });
        if (r.status === 202) accepted++;
        else log('answer refused', r.status, r.body);
      });
      const tAccepted = performance.now();
      // Counted: the grader's partial sums reach every accepted answer (read directly, not through the meter).
      const countedSoFar = async () => {
        const out = await direct.send(new QueryCommand({ TableName: stack.tableNames.statistics, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `${episodeId}#q0` }, ConsistentRead: true }));
        return (out.Items ?? []).filter((i) => String(i.sk).startsWith('p#')).reduce((n, i) => n + (i.value?.total ?? 0), 0);
      };
      await until(countedSoFar, (n) => n >= accepted, 120_000, 'every accepted answer counted');
      const tCounted = performance.now();
      return { accepted, latencies, statsBefore, t0, tAccepted, tCounted, cpu: cpuSince(cpu0, accepted) };
    };

    /** A second episode with one registered player, open; the given players (not registered) answer it: 403 each. */
    const measureRefusals = async (measuredEpisode: string, refusedPlayers: typeof players) => {
      const refusalEpisode = `${measuredEpisode}-refusals`;
      const { questionId, gameId } = await gameFor(refusalEpisode);
      const created = await call(`${api}/api/v1/episode`, admin, 'POST', {
        id: refusalEpisode,
        game_id: gameId,
        min_participant: 1,
        answer_window_seconds: 60,
        reveal_seconds: REVEAL_SECONDS,
        lead_seconds: 0,
      });
      if (created.status !== 201) throw new Error(`episode not created: ${JSON.stringify(created.body)}`);
      const registered = await call(`${api}/api/v1/participant`, warmupPlayers[0].token, 'POST', { episode_id: refusalEpisode });
      if (registered.status !== 201) throw new Error(`registration failed: ${JSON.stringify(registered.body)}`);
      await until(() => call(`${api}/api/v1/episode/${refusalEpisode}`, admin, 'GET'), (r) => r.body?.state === 'QUESTION_OPEN', 120_000, 'refusal question open');
      await quiescent(stack);
      let refusedCount = 0;
      const latencies = await pool(refusedPlayers, CONCURRENCY, async (p) => {
        const r = await call(`${api}/api/v1/response`, p.token, 'POST', { episode_id: refusalEpisode, question_id: questionId, answer: RIGHT });
        if (r.status === 403 && r.body?.error?.code === 'not_registered') refusedCount++;
        else log('expected a refusal (403 not_registered), got', r.status, r.body);
      });
      return { answers: refusedCount, p50_ms: round(percentile(latencies, 50), 1), p99_ms: round(percentile(latencies, 99), 1) };
    };

    // Warm containers, as in a show's steady state: a first, smaller show loads and JIT-compiles the answer path
    // (and DynamoDB Local's) before the measured one.
    log(`warm-up show: ${WARMUP_PLAYERS} players`);
    await playOurs(`${run}-warmup`, warmupPlayers);
    log(`measured show: ${PLAYERS} players register, then answer`);
    const episodeId = `${run}-episode`;
    const { accepted, latencies: oursLatencies, statsBefore, t0, tAccepted, tCounted, cpu: oursCpu } = await playOurs(episodeId, players);
    log(`ours: ${accepted} accepted in ${((tAccepted - t0) / 1000).toFixed(2)} s, counted after ${((tCounted - t0) / 1000).toFixed(2)} s`);
    // Final statistics: wait on the cheap statistics route (409 until the question is finalized), then read the report
    // once, so that the bench's own polling adds next to nothing to the requests metered for the answer path.
    await until(
      () => call(`${api}/api/v1/episode/${episodeId}/question/0/statistics`, admin, 'GET'),
      (r) => r.status === 200,
      (WINDOW_SECONDS + 60) * 1000,
      'final statistics',
      250,
    );
    const final = await call(`${api}/api/v1/report/episode/${episodeId}`, admin, 'GET');
    const q0 = final.body.questions[0];
    const closeToFinal = final.body.timings.questions[0].close_to_final_ms as number;
    if (q0.answered_count !== accepted) throw new Error(`statistics counted ${q0.answered_count} answers, ${accepted} were accepted`);
    const oursMeter = await meter(stack);
    const oursSeconds = (tCounted - t0) / 1000;
    const oursCompute = computeBetween(statsBefore, stack.stats().sources);

    // Refused answers, measured apart so that their records do not enter the answer path's figures: players of the
    // measured show answer an open question of an episode they are not registered for. A refusal makes the same checks
    // as an accepted answer (cached episode, one BatchGet), then records the error and publishes response.rejected in
    // the background (lambda/shared/background.ts) instead of queueing.
    const refused = await measureRefusals(episodeId, players.slice(0, Math.min(PLAYERS, REFUSED_ANSWERS)));
    log(`refused: ${refused.answers} answers, p50 ${refused.p50_ms} ms, p99 ${refused.p99_ms} ms`);

    /* ---------------- baseline ---------------- */
    await quiescent(stack);
    log('baseline: the original per-answer path');
    // Tables of its own, without streams, so that none of our processors reacts to (or is billed for) its writes.
    const baselineTables = await createBaselineTables(stack.dynamoEndpoint, run);
    for (const [id, name] of Object.entries(baselineTables) as [keyof typeof baselineTables, string][]) {
      stack.proxy!.meter.registerTable(name, [tables[id].partitionKey.name, ...(tables[id].sortKey ? [tables[id].sortKey!.name] : [])]);
    }
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
    const baselineCompute = { invocations: 0, gbSeconds: 0 };
    const baselineFn = { id: 'baselineSubmitResponse', spec: { entry: 'bench/baseline/submitResponse.ts', timeoutSeconds: 10, memorySize: functions.submitResponse.memorySize } };
    await runtime.load(baselineFn);
    const baselineApi = await startApiServer({
      port: 0,
      router: createRouter([{ functionId: 'baselineSubmitResponse' as FunctionId, method: 'POST', path: '/baseline/response', auth: 'user' }]),
      authorizer: createJwtAuthorizer({ issuer, audience: [stack.outputs.UserPoolClientId], jwksUri: `${issuer}/.well-known/jwks.json` }),
      invoke: async (_id, event) => {
        const started = performance.now();
        try {
          return await runtime.invoke(baselineFn, event);
        } finally {
          baselineCompute.invocations++;
          baselineCompute.gbSeconds += ((performance.now() - started) / 1000) * (baselineFn.spec.memorySize / 1024);
        }
      },
    });
    const baselineEpisode = `${run}-baseline`;
    const baselineEnd = Date.now() + 600_000;
    for (const id of [baselineEpisode, `${baselineEpisode}-warmup`]) {
      await direct.send(new PutCommand({ TableName: baselineTables.episodes, Item: { id: `baseline#${id}`, question_id: questionId, answer: RIGHT, question_end_timestamp: baselineEnd } }));
    }
    // The same warm-up as ours: as many answers, on an episode of their own.
    await pool(warmupPlayers, CONCURRENCY, async (p) => {
      await call(`${baselineApi.url}/baseline/response`, p.token, 'POST', { episode_id: `${baselineEpisode}-warmup`, question_id: questionId, answer: answerOf(p, -1) });
    });
    await quiescent(stack);
    stack.proxy!.meter.reset();
    let baselineAccepted = 0;
    const bcpu0 = cpuNow();
    const b0 = performance.now();
    const baselineLatencies = await pool(players, CONCURRENCY, async (p) => {
      const i = players.indexOf(p);
      const r = await call(`${baselineApi.url}/baseline/response`, p.token, 'POST', { episode_id: baselineEpisode, question_id: questionId, answer: answerOf(p, i) });
      if (r.status === 202) baselineAccepted++;
    });
    const baselineSeconds = (performance.now() - b0) / 1000;
    const baselineCpu = cpuSince(bcpu0, baselineAccepted);
    const baselineMeter = await meter(stack);
    await baselineApi.stop();
    await runtime.stop();

    /* ---------------- figures ---------------- */
    const ours = pathResult({
      answers: accepted,
      seconds: oursSeconds,
      latencies: oursLatencies,
      meter: oursMeter,
      compute: oursCompute,
      // SendMessage per answer; consumers receive and delete in batches of up to 10 requests' worth.
      sqsRequests: accepted + 2 * Math.ceil(accepted / 10),
      closeToFinalMs: closeToFinal,
    });
    const baseline = pathResult({
      answers: baselineAccepted,
      seconds: baselineSeconds,
      latencies: baselineLatencies,
      meter: baselineMeter,
      compute: baselineCompute,
      sqsRequests: 0,
      closeToFinalMs: null,
    });
    const ratios = Object.fromEntries(
      (Object.keys(ours) as (keyof PathResult)[]).map((k) => [k, ours[k] === null || baseline[k] === null || baseline[k] === 0 ? null : round((ours[k] as number) / (baseline[k] as number), 3)]),
    );
    // DynamoDB Local has no per-partition limit, so the baseline's hot item costs it little here. On AWS one item takes
    // at most 1,000 writes/s (one partition): that caps a path at 1,000 / (hottest-item writes per answer) answers/s.
    const ceiling = (m: MeterSnapshot, answers: number) => (m.hottestItem.writes === 0 ? null : Math.round((1000 * answers) / m.hottestItem.writes));
    const awsPartitionCeiling = { ours: ceiling(oursMeter, accepted), baseline: ceiling(baselineMeter, baselineAccepted) };
    const results = {
      players: PLAYERS,
      concurrency: CONCURRENCY,
      prices_as_of: PRICES.asOf,
      ours,
      baseline,
      ratios,
      // A refused answer's latency beside an accepted one's (ours.p50_ms, ours.p99_ms): refusals are recorded in the background.
      refused_answers: refused,
      hottest_items: { ours: oursMeter.hottestItem, baseline: baselineMeter.hottestItem },
      aws_partition_ceiling_answers_per_second: awsPartitionCeiling,
      // Both paths share this machine's cores: while a path runs, its answers/s is about cores ÷ CPU per answer.
      cpu_ms_per_answer_on_this_machine: { ours: oursCpu, baseline: baselineCpu },
    };
    writeFileSync(flags.out!, `${JSON.stringify(results, null, 2)}\n`);

    const rows: [string, keyof PathResult][] = [
      ['accepted answers/s (counted)', 'answers_per_second'],
      ['POST latency p50 ms', 'p50_ms'],
      ['POST latency p99 ms', 'p99_ms'],
      ['window close → final stats ms', 'close_to_final_ms'],
      ['DynamoDB writes per answer', 'writes_per_answer'],
      ['hottest item writes per answer', 'hottest_item_writes_per_answer'],
      ['modelled USD per million answers', 'cost_per_million_usd'],
    ];
    const cell = (v: unknown) => String(v ?? '—').padStart(12);
    console.log(`\n${'metric'.padEnd(34)}${'ours'.padStart(12)}${'baseline'.padStart(12)}${'ours/base'.padStart(12)}`);
    for (const [label, key] of rows) console.log(`${label.padEnd(34)}${cell(ours[key])}${cell(baseline[key])}${cell(ratios[key])}`);
    console.log(
      `\nOn AWS one item takes at most 1,000 writes/s: the hottest item caps ours at ${awsPartitionCeiling.ours ?? '—'} answers/s per show, the baseline at ${awsPartitionCeiling.baseline ?? '—'}.`,
    );
    console.log(`POST latency of a refused answer (403, recorded in the background): p50 ${refused.p50_ms} ms, p99 ${refused.p99_ms} ms over ${refused.answers}; an accepted one: p50 ${ours.p50_ms} ms, p99 ${ours.p99_ms} ms.`);
    const cpuTotal = (c: typeof oursCpu) => round(c.node + c.dynamodb_local, 1);
    console.log(
      `CPU per answer on this machine (Node processes + DynamoDB Local): ours ${cpuTotal(oursCpu)} ms, baseline ${cpuTotal(baselineCpu)} ms; both paths share its ${availableParallelism()} cores.`,
    );
    console.log(`${PLAYERS} players, concurrency ${CONCURRENCY}, prices ${PRICES.region} as of ${PRICES.asOf}; written to ${flags.out}`);
    console.log(
      `ratios ours/baseline: throughput ${ratios.answers_per_second}x, writes/answer ${ratios.writes_per_answer}, hottest item ${ratios.hottest_item_writes_per_answer}, cost ${ratios.cost_per_million_usd}`,
    );
  } finally {
    await stack.stop();
  }
}

/** The figures of one path: throughput, latency, DynamoDB writes and the modelled cost, per accepted answer. */
function pathResult(p: {
  answers: number;
  seconds: number;
  latencies: number[];
  meter: MeterSnapshot;
  compute: { invocations: number; gbSeconds: number };
  sqsRequests: number;
  closeToFinalMs: number | null;
}): PathResult {
  const cost = costPerMillionAnswers({
    answers: p.answers,
    dynamoWrites: p.meter.writes,
    dynamoReads: p.meter.reads,
    httpRequests: p.answers,
    sqsRequests: p.sqsRequests,
    lambdaInvocations: p.compute.invocations,
    lambdaGbSeconds: p.compute.gbSeconds,
  });
  return {
    answers_per_second: round(p.answers / p.seconds),
    p50_ms: round(percentile(p.latencies, 50)),
    p99_ms: round(percentile(p.latencies, 99)),
    close_to_final_ms: p.closeToFinalMs,
    writes_per_answer: round(p.meter.writes / p.answers, 3),
    hottest_item_writes_per_answer: round(p.meter.hottestItem.writes / p.answers, 4),
    cost_per_million_usd: round(cost, 2),
  };
}

/**
 * Lambda work of the answer path between two snapshots of the local stack's source statistics: invocations and
 * GB-seconds (measured durations × configured memory) of every function the path runs, HTTP, queue and stream alike.
 */
function computeBetween(before: Record<string, SourceStats>, after: Record<string, SourceStats>) {
  let invocations = 0;
  let gbSeconds = 0;
  for (const [source, s] of Object.entries(after)) {
    const functionId = source.split(/->|:/).pop() as FunctionId;
    if (!['submitResponse', 'recordAnswers', 'scoreResponses', 'episodeRunner'].includes(functionId)) continue;
    const b = before[source] ?? { invocations: 0, totalMs: 0 };
    invocations += s.invocations - b.invocations;
    gbSeconds += ((s.totalMs - b.totalMs) / 1000) * (functions[functionId].memorySize / 1024);
  }
  return { invocations, gbSeconds };
}

/** The original system's four tables, keyed as this project's (the baseline handler writes its own keys into them). */
async function createBaselineTables(endpoint: string, run: string) {
  const client = dynamoClient(endpoint);
  const names = { episodes: `${run}-b-episodes`, responses: `${run}-b-responses`, statistics: `${run}-b-statistics`, participants: `${run}-b-participants` };
  for (const [id, name] of Object.entries(names) as [keyof typeof names, string][]) {
    const spec = tables[id];
    const keys = [spec.partitionKey, ...(spec.sortKey ? [spec.sortKey] : [])];
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      }),
    );
  }
  client.destroy();
  return names;
}

main().catch((err) => {
  console.error(`bench failed: ${(err as Error).message}`);
  process.exit(1);
});
