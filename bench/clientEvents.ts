#!/usr/bin/env -S npx tsx
/**
 * `npm run bench:events`: The Eye under load on a fresh local stack. SUBJECTS signed-in clients (access tokens
 * signed like cognito-local's: the API refuses ID tokens) each send BATCHES batches of EVENTS_PER_BATCH events (page
 * views, some with campaigns, some sign-ups, 1 in 50 invalid), CONCURRENCY requests at a time, through the real
 * API. DynamoDB requests are counted by the metering proxy. Reports accepted events per second (202s), stored events
 * per second (until the consumer has written them all), and DynamoDB item writes per event by table and to the
 * hottest item.
 *
 *   npm run bench:events -- [--subjects 200] [--batches 5] [--events 20] [--concurrency 32]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startLocalStack } from '../lib/local/stack.ts';
import { localAccessToken } from '../lib/local/tokens.ts';
import { round, sleep } from './measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { subjects: { type: 'string', default: '200' }, batches: { type: 'string', default: '5' }, events: { type: 'string', default: '20' }, concurrency: { type: 'string', default: '32' } },
});
const SUBJECTS = Number(values.subjects);
const BATCHES = Number(values.batches);
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const log = (s: string) => process.stdout.write(`${s}\n`);

log(`starting a fresh local stack (${SUBJECTS} clients × ${BATCHES} batches × ${EVENTS} events, concurrency ${CONCURRENCY})`);
const stack = await startLocalStack({ quiet: true, demoUsers: false, dynamoProxy: true, functionEnv: { CLIENT_EVENTS_PER_MINUTE: '100000' } });
try {
  const issuer = `${stack.outputs.CognitoEndpoint}/${stack.outputs.UserPoolId}`;
  const run = `ev-${Date.now().toString(36)}`;
  const tokens = await Promise.all(Array.from({ length: SUBJECTS }, (_, i) => localAccessToken({ issuer, clientId: stack.outputs.UserPoolClientId, sub: `${run}-u${i}` })));
  const post = async (token: string, events: unknown[]) => {
    const res = await fetch(`${stack.apiUrl}/api/v1/client-events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
    await res.text();
    return res.status;
  };
  const batchOf = (s: number, b: number) =>
    Array.from({ length: EVENTS }, (_, i) => {
      const n = (s * BATCHES + b) * EVENTS + i;
      const base = { session_id: `${run}-s${s}-${b}`, anonymous_id: `${run}-a${s}`, timestamp: Date.now() - 1000 };
      if (n % 50 === 49) return { ...base, session_id: undefined, category: 'page', name: 'page_view' }; // invalid: no session
      if (n % 100 === 0) return { ...base, category: 'account', name: 'sign_up' };
      return { ...base, category: 'page', name: 'page_view', data: { path: `/p${i}`, ...(i % 4 === 0 ? { utm_source: ['tv', 'google', 'news'][s % 3], utm_medium: 'cpc', utm_campaign: 'bench' } : {}) } };
    });
  const jobs = Array.from({ length: SUBJECTS * BATCHES }, (_, j) => ({ s: j % SUBJECTS, b: Math.floor(j / SUBJECTS) }));
  const total = jobs.length * EVENTS;
  const invalid = jobs.flatMap((j) => batchOf(j.s, j.b)).filter((e) => e.session_id === undefined).length;

  // Warm-up: load the functions before measuring.
  await post(tokens[0], [{ session_id: `${run}-warm`, category: 'app', name: 'warm', timestamp: Date.now() }]);
  await sleep(2000);
  stack.proxy!.meter.reset();
  const t0 = Date.now();
  let next = 0;
  let accepted = 0;
  const statuses: Record<number, number> = {};
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) {
        const { s, b } = jobs[next++];
        const status = await post(tokens[s], batchOf(s, b));
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 202) accepted += EVENTS;
      }
    }),
  );
  const acceptMs = Date.now() - t0;
  const table = stack.tableNames;
  const stored = () => stack.proxy!.meter.snapshot().writesByTable[table.clientEvents] ?? 0;
  const deadline = Date.now() + 600_000;
  while (stored() < accepted - invalid && Date.now() < deadline) await sleep(200);
  const storeMs = Date.now() - t0;
  await sleep(2000); // the last batches' errors and growth partials
  const m = stack.proxy!.meter.snapshot();
  const byTable = Object.fromEntries(Object.entries(table).map(([id, name]) => [id, round((m.writesByTable[name] ?? 0) / total, 3)]).filter(([, v]) => (v as number) > 0));
  const results = {
    events: total,
    invalid_events: invalid,
    statuses,
    accepted_events_per_second: round(accepted / (acceptMs / 1000), 1),
    stored_events_per_second: round((accepted - invalid) / (storeMs / 1000), 1),
    item_writes_per_event: round(m.writes / total, 3),
    item_writes_per_event_by_table: byTable,
    hottest_item: m.hottestItem.item,
    writes_to_hottest_item_per_event: round(m.hottestItem.writes / total, 5),
  };
  log(JSON.stringify(results, null, 2));
  writeFileSync('bench-client-events.json', `${JSON.stringify(results, null, 2)}\n`);
} finally {
  await stack.stop();
}
