#!/usr/bin/env -S npx tsx
/**
 * `npm run history -- --days 10`: ten days of shows, page views and sign-ups from several campaigns, played through
 * the real API of a fresh local stack whose clock is moved to each day in turn (the local test clock: the switch
 * exists only in the local stack, see lambda/shared/clock.ts and test/infra/analytics.test.ts). Then it reads the
 * funnel and the attribution back from the API, checks them against what it sent, and prints both.
 *
 *   npm run history                               10 days, a fresh in-memory stack
 *   npm run history -- --days 3 --data-dir .local-data   keep the data: `npm start -- --data-dir .local-data` shows it
 */
import { rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CognitoAuth } from '../client/auth.ts';
import { TriviaClient } from '../client/client.ts';
import { playHistory } from '../client/history.ts';
import { renderAttribution, renderFunnel } from '../client/cli/render.ts';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../client/demoUsers.ts';
import { startLocalStack } from '../lib/local/stack.ts';
import { STACK_NAME } from '../lib/local/names.ts';
import type { ClockSettings } from '../lambda/shared/clock.ts';

const { values } = parseArgs({ args: process.argv.slice(2), options: { days: { type: 'string', default: '10' }, 'data-dir': { type: 'string' } } });
const days = Number(values.days);
if (!Number.isInteger(days) || days < 1 || days > 30) throw new Error('--days must be an integer from 1 to 30');

const log = (line: string) => process.stdout.write(`${line}\n`);
const stack = await startLocalStack({ quiet: true, settleMs: 800, scheduleIntervalMs: 2000, dataDir: values['data-dir'], dynamoTimeoutMs: 120_000 });
let failed = false;
try {
  const target = { stackName: STACK_NAME, outputs: { ...stack.outputs }, file: '(in process)', local: true };
  const auth = new CognitoAuth({ clientId: stack.outputs.UserPoolClientId, userPoolId: stack.outputs.UserPoolId, endpoint: stack.outputs.CognitoEndpoint });
  await auth.signIn(DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
  const newAdmin = () => new TriviaClient({ apiUrl: stack.apiUrl, auth, timeoutMs: 30_000 });
  const admin = newAdmin();
  // The first requests load the functions: on a busy machine that takes a while, so warm the routes up first.
  await admin.sendEvents([{ session_id: 'history-warm-up', category: 'app', name: 'warm_up', timestamp: Date.now() }]);
  await admin.funnel({});
  const setClock = async (at: number) => {
    const settings: ClockSettings = { at, anchor: Date.now(), speed: 1 };
    writeFileSync(stack.clockFile, JSON.stringify(settings));
    // The functions re-read the clock file at most every 100 ms.
    await new Promise((r) => setTimeout(r, 300));
  };
  log(`playing ${days} days on the local stack at ${stack.apiUrl}`);
  const sent = await playHistory({
    target,
    admin: newAdmin,
    days,
    setClock,
    onDay: (d) => log(`  ${d.day}: ${d.page_views} page views, ${d.sign_ups} sign-ups, ${d.joined} joined, ${d.answered} answered, ${d.won} won`),
  });
  rmSync(stack.clockFile, { force: true });
  await new Promise((r) => setTimeout(r, 300));

  const from = sent[0].day;
  const to = sent[sent.length - 1].day;
  // The aggregates are written by the consumers a moment after the last events: read until they add up.
  let funnel = await admin.funnel({ from, to });
  let attribution = await admin.attribution({ from, to });
  const expected = sent.map(({ first_touch: _f, last_touch: _l, ...day }) => day);
  for (let i = 0; i < 60 && JSON.stringify(funnel.days) !== JSON.stringify(expected); i++) {
    await new Promise((r) => setTimeout(r, 500));
    [funnel, attribution] = await Promise.all([admin.funnel({ from, to }), admin.attribution({ from, to })]);
  }
  log('');
  log(renderFunnel(funnel));
  log('');
  log(renderAttribution(attribution));
  const firstExpected: Record<string, number> = {};
  const lastExpected: Record<string, number> = {};
  for (const d of sent) {
    for (const [k, n] of Object.entries(d.first_touch)) firstExpected[k] = (firstExpected[k] ?? 0) + n;
    for (const [k, n] of Object.entries(d.last_touch)) lastExpected[k] = (lastExpected[k] ?? 0) + n;
  }
  const keyOf = (c: { source: string; medium: string; campaign: string }) => (c.source === '(direct)' ? '(direct)' : `${c.source}/${c.medium}/${c.campaign}`);
  const firstGot = Object.fromEntries(attribution.campaigns.filter((c) => c.first_touch > 0).map((c) => [keyOf(c), c.first_touch]));
  const lastGot = Object.fromEntries(attribution.campaigns.filter((c) => c.last_touch > 0).map((c) => [keyOf(c), c.last_touch]));
  const same = (a: Record<string, number>, b: Record<string, number>) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  const funnelOk = JSON.stringify(funnel.days) === JSON.stringify(expected);
  const attributionOk = same(firstGot, firstExpected) && same(lastGot, lastExpected);
  log('');
  log(`funnel ${funnelOk ? 'matches' : 'DIFFERS FROM'} what was sent; attribution ${attributionOk ? 'matches' : 'DIFFERS FROM'} the expected first and last touches`);
  if (!funnelOk) log(`expected ${JSON.stringify(expected)}`);
  failed = !funnelOk || !attributionOk;
} finally {
  await stack.stop();
}
process.exit(failed ? 1 : 0);
