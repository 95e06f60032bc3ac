/**
 * `npm run bench:live`: one run, the same 3-question show watched by N clients, two ways, on one local stack.
 *
 * - push: N subscribers on the local Event API (client/realtime.ts), one WebSocket each;
 * - poll: N clients polling `GET /api/v1/episode/{id}` once a second, each with its own token, as today's clients do.
 * Each path watches its own episode of the same game, on an otherwise idle stack; the audience runs in processes of
 * its own (bench/liveAudience.ts: by default one per core), so the CPU and memory measured here are the stack's. Two bot players register and
 * answer right on `question.opened` (so that the show plays all three questions); their calls are not counted as
 * the audience's origin requests.
 *
 * Reported per path: lag from commit (the transition's `server_time`, i.e. the episode's `seq_at`) to receipt,
 * p50/p99/max; transitions missed and out of order; API calls reaching a function, per transition and in total; CPU
 * and memory of the stack (and of the audience); and the modelled cost of a 1,000,000-player show (bench/liveCost.ts)
 * with the event and response sizes measured here. A reference subscriber in this process records each transition's
 * commit time, which is what a poll's lag is measured from.
 *
 * Push lag is also broken down by stage, from the local Event API's publish log: the publisher (commit → its request
 * at the Event API), the server's checks, its fan-out, and delivery (fan-out written → receipt in the audience).
 *
 * Flags: --watchers N (5000), --audience-processes K (one per core), --audience-nice P (10: the audience's CPU priority
 * below the stack's), --out FILE (bench-live-results.json), --push-only (the push show and its lag only, for profiling
 * runs: no poll show, no results file).
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { connectRealtime, type RealtimeSocketConstructor } from '../client/realtime.ts';
import { liveChannel, type LiveEvent } from '../lambda/domain/live.ts';
import { startLocalStack, type LocalStack } from '../lib/local/stack.ts';
import { localAccessToken } from '../lib/local/tokens.ts';
import { describeCost, MILLION_PLAYER_SHOW, pollCostPerShow, pushCostPerShow, transitionsPerShow, type ShowModel } from './liveCost.ts';
import { Audience } from './liveAudience.ts';
import type { Receipt, WatchersConfig } from './liveWatchers.ts';
import { cpuNow, javaChildren, percentile, round, rssMbOf, within } from './measure.ts';

const { values: flags } = parseArgs({
  options: {
    watchers: { type: 'string', default: '5000' },
    out: { type: 'string', default: 'bench-live-results.json' },
    'push-only': { type: 'boolean', default: false },
    'audience-processes': { type: 'string', default: String(availableParallelism()) },
    'audience-nice': { type: 'string', default: '10' },
  },
});
const WATCHERS = Number(flags.watchers);
if (!Number.isInteger(WATCHERS) || WATCHERS < 1 || WATCHERS > 20_000) throw new Error('--watchers must be an integer from 1 to 20000');
const AUDIENCE_PROCESSES = Number(flags['audience-processes']);
if (!Number.isInteger(AUDIENCE_PROCESSES) || AUDIENCE_PROCESSES < 1 || AUDIENCE_PROCESSES > 64) throw new Error('--audience-processes must be an integer from 1 to 64');
const AUDIENCE_NICE = Number(flags['audience-nice']);
if (!Number.isInteger(AUDIENCE_NICE) || AUDIENCE_NICE < 0 || AUDIENCE_NICE > 19) throw new Error('--audience-nice must be an integer from 0 to 19');
const QUESTIONS = 3;
const TRANSITIONS = transitionsPerShow(QUESTIONS);
/** The contract's default window: room for the bots' answers to queue behind N pollers' requests and still count. */
const SHOW = { answer_window_seconds: 10, reveal_seconds: 2, lead_seconds: 2 };
/** FINALIZE_SETTLE_MS of the local stack: how long QUESTION_CLOSED lasts before the results. */
const SETTLE_MS = 1000;
const PHASE_TIMEOUT_MS = 240_000;

export interface PathFigures {
  lag_p50_ms: number;
  lag_p99_ms: number;
  missed: number;
  origin_requests_per_transition: number;
  cost_per_show_usd: number;
}

const log = (...parts: unknown[]) => console.error('[bench:live]', ...parts);
const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- responses of the API under measurement are read loosely
async function call(url: string, token: string | undefined, method: string, body?: unknown): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

/**
 * A setup call that must succeed: retried on a server error, which on a loaded machine is a cold start that ran past
 * the function's timeout. A create that timed out may have been stored all the same: on a retry, 409 (or 200, the
 * same create replayed) counts as done.
 */
async function setup(url: string, token: string, body: unknown, what: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const r = await call(url, token, 'POST', body).catch((err: Error) => ({ status: 599, text: err.message }));
    if (r.status === 201 || (attempt > 1 && (r.status === 409 || r.status === 200))) return;
    if (r.status < 500 || attempt === 5) throw new Error(`${what} failed: ${r.status} ${r.text}`);
    log(`${what}: ${r.status}, again`);
  }
}

const httpInvocations = (stack: LocalStack) =>
  Object.entries(stack.stats().sources)
    .filter(([source]) => source.startsWith('http:'))
    .reduce((n, [, s]) => n + s.invocations, 0);

/** A transition as the reference subscriber saw it. */
interface Transition {
  seq: number;
  type: string;
  key: string;
  committedAt: number;
  bytes: number;
}
const stateKey = (e: LiveEvent) => `${e.episode.state}#${e.episode.current_question_index}`;

interface PublishRecord {
  function: string;
  received_at: number;
  checked_at: number;
  sent_at: number;
  events: { episode_id?: string; seq?: number }[];
}

/** The three transitions with the highest lag p99 over their receipts, each with its publisher's share. */
function slowest(published: { t: Transition; p: PublishRecord }[], receipts: Receipt[][]): string {
  const lags = new Map<number, number[]>();
  for (const watcher of receipts) {
    for (const [seq, committedAt, receivedAt] of watcher) {
      const list = lags.get(seq as number) ?? [];
      list.push(receivedAt - committedAt);
      lags.set(seq as number, list);
    }
  }
  return published
    .map(({ t, p }) => ({ t, p, p99: percentile((lags.get(t.seq) ?? []).sort((a, b) => a - b), 99) }))
    .sort((a, b) => b.p99 - a.p99)
    .slice(0, 3)
    .map(({ t, p, p99 }) => `${t.type} #${t.seq} ${round(p99)} (${p.received_at - t.committedAt})`)
    .join(', ');
}

/**
 * Where push lag goes, from the Event API's publish log (GET /__published, each publish's arrival, signature checked,
 * fan-out written): the publisher (commit → request at the Event API), the server's check (signature, JSON), the
 * fan-out (one send per subscriber, first to last), and receipt counted from the fan-out's start (the server's sends
 * and the audience's reading overlap: the first watchers have their event before the last send).
 */
async function lagStages(httpEndpoint: string, r: { episodeId: string; transitions: Map<number, Transition>; done: { receipts: Receipt[][] } }) {
  const log = (await (await fetch(new URL('/__published', httpEndpoint))).json()) as PublishRecord[];
  const firstPublish = new Map<number, PublishRecord>();
  for (const p of log) for (const e of p.events) if (e.episode_id === r.episodeId && typeof e.seq === 'number' && !firstPublish.has(e.seq)) firstPublish.set(e.seq, p);
  const stage = (values: number[]) => {
    const sorted = values.sort((a, b) => a - b);
    return `${round(percentile(sorted, 50))} / ${round(percentile(sorted, 99))} / ${round(sorted[sorted.length - 1] ?? NaN)}`;
  };
  const published = [...r.transitions.values()].flatMap((t) => (firstPublish.has(t.seq) ? [{ t, p: firstPublish.get(t.seq)! }] : []));
  const delivery: number[] = [];
  for (const receipts of r.done.receipts) {
    for (const [seq, , receivedAt] of receipts) {
      const p = firstPublish.get(seq as number);
      if (p && r.transitions.has(seq as number)) delivery.push(receivedAt - p.checked_at);
    }
  }
  return {
    'publisher: commit → publish at the Event API': stage(published.map(({ t, p }) => p.received_at - t.committedAt)),
    'Event API: signature and checks': stage(published.map(({ p }) => p.checked_at - p.received_at)),
    'Event API: fan-out (first to last send)': stage(published.map(({ p }) => p.sent_at - p.checked_at)),
    'receipt, from the fan-out\'s start': stage(delivery),
    'slowest transitions (lag p99; publisher)': slowest(published, r.done.receipts),
  };
}

async function main() {
  log(`starting a fresh local stack (watchers ${WATCHERS})`);
  const stack = await startLocalStack({ quiet: process.env.BENCH_VERBOSE !== "1", demoUsers: false, settleMs: SETTLE_MS });
  const { outputs } = stack;
  const issuer = `${outputs.CognitoEndpoint}/${outputs.UserPoolId}`;
  const token = (sub: string, groups?: string[]) => localAccessToken({ issuer, clientId: outputs.UserPoolClientId, sub, groups });
  const api = stack.apiUrl;
  try {
    const run = `live-${Date.now().toString(36)}`;
    const admin = await token(`${run}-admin`, ['admin']);
    const bots = await Promise.all([0, 1].map((i) => token(`${run}-bot${i}`)));
    const watcherTokens = await Promise.all(Array.from({ length: WATCHERS }, (_, i) => token(`${run}-w${i}`)));

    const rightAnswer = new Map<string, number>();
    for (let q = 0; q < QUESTIONS; q++) {
      const id = `${run}-q${q}`;
      rightAnswer.set(id, q % 3);
      await setup(`${api}/api/v1/question`, admin, { id, question: `Live benchmark question ${q + 1}?`, options: ['Alpha', 'Bravo', 'Charlie'], answer: q % 3 }, 'question');
    }
    await setup(`${api}/api/v1/game`, admin, { id: `${run}-game`, qset: [...rightAnswer.keys()] }, 'game');

    const reference = await connectRealtime({
      realtimeUrl: outputs.EventApiRealtimeEndpoint,
      httpUrl: outputs.EventApiHttpEndpoint,
      token: () => Promise.resolve(admin),
      WebSocket: WebSocket as unknown as RealtimeSocketConstructor,
    });

    const loads: string[] = [`start ${loadAverage()}`];
    /** One show watched by the audience in `mode`; returns what they and the stack did. */
    const watch = async (mode: 'push' | 'poll') => {
      const episodeId = `${run}-${mode}`;
      await setup(`${api}/api/v1/episode`, admin, { id: episodeId, game_id: `${run}-game`, min_participant: 2, ...SHOW }, 'episode');
      let benchCalls = 0;
      const transitions = new Map<number, Transition>();
      let ended!: () => void;
      const showEnded = new Promise<void>((r) => (ended = r));
      const sub = await reference.subscribe(liveChannel(episodeId), (data) => {
        const e = data as LiveEvent;
        if (e.type === 'participants.counted' || transitions.has(e.seq)) return;
        transitions.set(e.seq, { seq: e.seq, type: e.type, key: stateKey(e), committedAt: e.server_time, bytes: JSON.stringify(e).length });
        if (e.type === 'question.opened' && e.episode.current_question) {
          const questionId = e.episode.current_question.id;
          for (const bot of bots) {
            benchCalls++;
            // A lost answer only ends the show early (the bench reports the transitions it saw), so it is logged, not fatal.
            call(`${api}/api/v1/response`, bot, 'POST', { episode_id: episodeId, question_id: questionId, answer: rightAnswer.get(questionId) }).catch((err: Error) =>
              log(`${mode}: a bot's answer failed: ${err.message}`),
            );
          }
        }
        if (e.type === 'episode.ended' || e.type === 'episode.cancelled') ended();
      });

      const config: WatchersConfig = {
        mode,
        tokens: watcherTokens,
        episodeId,
        realtimeUrl: outputs.EventApiRealtimeEndpoint,
        httpUrl: outputs.EventApiHttpEndpoint,
        apiUrl: api,
        deadline: Date.now() + PHASE_TIMEOUT_MS,
        connectConcurrency: 100,
      };
      const audience = new Audience(config, { processes: AUDIENCE_PROCESSES, nice: AUDIENCE_NICE }, PHASE_TIMEOUT_MS);
      const ready = await audience.ready();
      log(`${mode}: ${ready.connected} watchers ready (${ready.failed} failed to connect); the show starts`);

      // From here on everything the stack does is this show's.
      const http0 = httpInvocations(stack);
      const published0 = stack.stats().eventApi.published;
      const cpu0 = cpuNow();
      const audienceCpu0 = audience.cpuMs();
      const peak = { stackMb: 0, audienceMb: 0 };
      const javaPids = javaChildren();
      const sampler = setInterval(() => {
        peak.stackMb = Math.max(peak.stackMb, rssMbOf(process.pid) + javaPids.reduce((t, pid) => t + rssMbOf(pid), 0));
        peak.audienceMb = Math.max(peak.audienceMb, audience.rssMb());
      }, 250);
      const t0 = Date.now();
      for (const bot of bots) {
        const before = httpInvocations(stack);
        await setup(`${api}/api/v1/participant`, bot, { episode_id: episodeId }, 'registration');
        benchCalls += httpInvocations(stack) - before;
      }
      await within(showEnded, PHASE_TIMEOUT_MS);
      loads.push(`${mode} ${loadAverage()}`);
      const done = await audience.done();
      const seconds = (Date.now() - t0) / 1000;
      clearInterval(sampler);
      const cpu = cpuNow();
      const stackCpuMs = cpu.node - cpu0.node + (cpu.java - cpu0.java);
      const audienceCpuMs = audience.cpuMs() - audienceCpu0;
      const originRequests = httpInvocations(stack) - http0 - benchCalls;
      const publishes = stack.stats().eventApi.published - published0;
      await sub.unsubscribe();
      await audience.stop(10_000);
      if (transitions.size !== TRANSITIONS) log(`${mode}: the reference saw ${transitions.size} transitions, ${TRANSITIONS} expected`);
      return { episodeId, transitions, done, seconds, stackCpuMs, audienceCpuMs, peak, originRequests, publishes };
    };

    /** A path's lag, misses and origin requests, from what its audience received. */
    const figures = (r: Awaited<ReturnType<typeof watch>>, mode: 'push' | 'poll') => {
      const expected = [...r.transitions.values()].sort((a, b) => a.seq - b.seq);
      const orderOf = new Map<number | string, number>(expected.map((t, i) => [mode === 'push' ? t.seq : t.key, i]));
      const committedAt = new Map<number | string, number>(expected.map((t) => [mode === 'push' ? t.seq : t.key, t.committedAt]));
      const lags: number[] = [];
      let missed = 0;
      let outOfOrder = 0;
      for (const receipts of r.done.receipts as Receipt[][]) {
        const seen = new Set<number | string>();
        let last = -1;
        for (const [key, , receivedAt] of receipts) {
          const order = orderOf.get(key);
          if (order === undefined || seen.has(key)) continue; // participant counts, states between transitions, repeats
          seen.add(key);
          lags.push(receivedAt - committedAt.get(key)!);
          if (order < last) outOfOrder++;
          last = Math.max(last, order);
        }
        missed += expected.length - seen.size;
      }
      lags.sort((a, b) => a - b);
      return {
        lag: { p50: round(percentile(lags, 50)), p99: round(percentile(lags, 99)), max: round(lags[lags.length - 1] ?? NaN) },
        missed,
        outOfOrder,
        originPerTransition: round(r.originRequests / Math.max(1, expected.length), 2),
      };
    };
    log('push: the show, pushed on the local Event API');
    const pushRun = await watch('push');
    // Printed now as well: a poll run on a loaded machine can fail, and this is the figure the target is about.
    const push = figures(pushRun, 'push');
    const stages = await lagStages(outputs.EventApiHttpEndpoint, pushRun);
    log(`push lag p50 / p99 / max ${push.lag.p50} / ${push.lag.p99} / ${push.lag.max} ms, ${push.missed} missed, ${push.outOfOrder} out of order; load average ${loads.at(-1)}`);
    for (const [label, v] of Object.entries(stages)) log(`push lag, ${label}: ${v}`);
    if (flags['push-only']) return;
    const snapshot = await call(`${api}/api/v1/live/${pushRun.episodeId}`, undefined, 'GET');
    log('poll: the same show, polled once a second');
    const pollRun = await watch('poll');
    reference.close();

    const poll = figures(pollRun, 'poll');

    const transitionsSeen = [...pushRun.transitions.values()];
    const model: ShowModel = {
      ...MILLION_PLAYER_SHOW,
      eventBytes: Math.round(transitionsSeen.reduce((t, x) => t + x.bytes, 0) / Math.max(1, transitionsSeen.length)),
      snapshotBytes: snapshot.text.length,
      pollBodyBytes: pollRun.done.bodyBytes,
    };
    const pushCost = pushCostPerShow(model);
    const pollCost = pollCostPerShow(model);

    const result = (f: typeof push, cost: number): PathFigures => ({
      lag_p50_ms: f.lag.p50,
      lag_p99_ms: f.lag.p99,
      missed: f.missed,
      origin_requests_per_transition: f.originPerTransition,
      cost_per_show_usd: round(cost, 2),
    });
    const pushResult = result(push, pushCost.usd);
    const pollResult = result(poll, pollCost.usd);
    const ratios = Object.fromEntries(
      (Object.keys(pushResult) as (keyof PathFigures)[]).map((k) => [k, pollResult[k] === 0 ? null : round(pushResult[k] / pollResult[k], 4)]),
    ) as Record<keyof PathFigures, number | null>;
    writeFileSync(flags.out!, `${JSON.stringify({ watchers: WATCHERS, push: pushResult, poll: pollResult, ratios }, null, 2)}\n`);

    const rows: [string, (f: typeof push, r: typeof pushRun) => string | number][] = [
      ['lag commit → receipt p50 ms', (f) => f.lag.p50],
      ['lag p99 ms', (f) => f.lag.p99],
      ['lag max ms', (f) => f.lag.max],
      ['transitions missed (all watchers)', (f) => f.missed],
      ['transitions out of order', (f) => f.outOfOrder],
      ['origin requests per transition', (f) => f.originPerTransition],
      ['origin requests in total', (_f, r) => r.originRequests],
      ['events published per transition (counts, repeats incl.)', (_f, r) => round(r.publishes / TRANSITIONS, 2)],
      ['stack CPU s (Node + DynamoDB Local)', (_f, r) => round(r.stackCpuMs / 1000, 1)],
      ['stack CPU % of the machine', (_f, r) => round((100 * r.stackCpuMs) / (r.seconds * 1000 * availableParallelism()), 1)],
      ['stack peak memory MB', (_f, r) => Math.round(r.peak.stackMb)],
      ['audience CPU s (the N clients)', (_f, r) => round(r.audienceCpuMs / 1000, 1)],
      ['audience peak memory MB', (_f, r) => Math.round(r.peak.audienceMb)],
      ['show length s', (_f, r) => round(r.seconds, 1)],
      ['modelled USD per 1M-player show', (f) => (f === push ? pushResult.cost_per_show_usd : pollResult.cost_per_show_usd)],
    ];
    const cell = (v: unknown) => String(v).padStart(12);
    console.log(`\n${'metric'.padEnd(38)}${'push'.padStart(12)}${'poll'.padStart(12)}`);
    for (const [label, of] of rows) console.log(`${label.padEnd(38)}${cell(of(push, pushRun))}${cell(of(poll, pollRun))}`);
    console.log(`\n${WATCHERS} watchers, ${QUESTIONS} questions (${TRANSITIONS} transitions), ${availableParallelism()} cores; audience in ${AUDIENCE_PROCESSES} processes of its own at nice ${AUDIENCE_NICE}.`);
    console.log(`Load average (1 / 5 / 15 min) at the start and at each show's end: ${loads.join('; ')}. Lag is wall-clock: on a shared machine compare runs at like loads.`);
    console.log(`Modelled show: ${MILLION_PLAYER_SHOW.players.toLocaleString('en-US')} players, ${MILLION_PLAYER_SHOW.minutes} minutes, ${MILLION_PLAYER_SHOW.questions} questions; sizes measured here: event ${model.eventBytes} B, snapshot ${model.snapshotBytes} B, episode view ${model.pollBodyBytes} B.`);
    for (const line of [...describeCost('push', pushCost), ...describeCost('poll', pollCost)]) console.log(line);
    console.log('Push lag by stage, ms p50 / p99 / max (over transitions; delivery over every receipt):');
    for (const [label, v] of Object.entries(stages)) console.log(`  ${label.padEnd(46)}${v}`);
    console.log(`ratios push/poll: ${JSON.stringify(ratios)}; written to ${flags.out}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(`bench:live failed: ${(err as Error).message}`);
  process.exit(1);
});
