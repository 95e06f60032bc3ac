/**
 * A history of several days, played through the real API of a local stack whose clock is moved one day at a time
 * (the local stack's test clock, lambda/shared/clock.ts — it exists only there): each day, visitors arrive from a
 * few campaigns and some of them sign up, the players seen so far open the app, and a show is played by them all
 * (client/simulate.ts). It returns what it sent, day by day, so the caller can check the funnel and attribution
 * the API computes against it.
 *
 * Visitors send the events they had before sign-in (their page views, under an anonymous id) with their sign-up,
 * as a client does once it holds a token (lambda/domain/clientEvents.ts).
 */
import { randomUUID } from 'node:crypto';
import { DIRECT, type FunnelDay } from '../lambda/domain/growth.ts';
import { CognitoAuth } from './auth.ts';
import { mapLimit, provisionLocalBots, type BotCredentials } from './bots.ts';
import { TriviaClient } from './client.ts';
import type { StackTarget } from './outputs.ts';
import { simulate } from './simulate.ts';

export interface Campaign {
  source: string;
  medium: string;
  campaign: string;
}

export const CAMPAIGNS: (Campaign | null)[] = [
  { source: 'tv', medium: 'broadcast', campaign: 'launch' },
  { source: 'google', medium: 'cpc', campaign: 'brand' },
  { source: 'newsletter', medium: 'email', campaign: 'weekly' },
  null, // direct: no utm parameters
];

export interface HistoryOptions {
  target: StackTarget;
  /** A new admin client: one per day, since a client's estimate of the server clock does not expect it to jump a day. */
  admin: () => TriviaClient;
  days: number;
  /** Moves the stack's clock to `epochMs` (it then runs on at normal speed). */
  setClock: (epochMs: number) => Promise<void>;
  /** The first day's midnight (UTC, epoch ms); default `days` days before today. */
  firstDay?: number;
  /** Probability that a player answers right (default 0.7). */
  accuracy?: number;
  onDay?: (day: HistoryDay) => void;
  random?: () => number;
}

export interface HistoryDay extends FunnelDay {
  /** Sign-ups by expected first-touch and last-touch campaign key. */
  first_touch: Record<string, number>;
  last_touch: Record<string, number>;
}

const DAY = 86_400_000;
const key = (c: Campaign | null) => (c ? `${c.source}/${c.medium}/${c.campaign}` : DIRECT);
const utm = (c: Campaign | null) => (c ? { utm_source: c.source, utm_medium: c.medium, utm_campaign: c.campaign } : {});
const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

function clientFor(target: StackTarget, creds: BotCredentials): Promise<TriviaClient> {
  const auth = new CognitoAuth({ clientId: target.outputs.UserPoolClientId, userPoolId: target.outputs.UserPoolId, endpoint: target.outputs.CognitoEndpoint });
  // A long per-attempt timeout: a busy local stack can take seconds per request, and a retried batch is safe (event ids).
  return auth.signIn(creds.email, creds.password).then(() => new TriviaClient({ apiUrl: target.outputs.ApiUrl, auth, timeoutMs: 30_000 }));
}

export async function playHistory(opts: HistoryOptions): Promise<HistoryDay[]> {
  const random = opts.random ?? Math.random;
  const run = randomUUID().slice(0, 6);
  const firstDay = opts.firstDay ?? Math.floor(Date.now() / DAY) * DAY - opts.days * DAY;
  const players: (BotCredentials & { client: TriviaClient })[] = [];
  const days: HistoryDay[] = [];
  for (let d = 0; d < opts.days; d++) {
    const midnight = firstDay + d * DAY;
    const day = new Date(midnight).toISOString().slice(0, 10);
    const out: HistoryDay = { day, page_views: 0, sign_ups: 0, joined: 0, answered: 0, won: 0, first_touch: {}, last_touch: {} };
    // 18:00 on that day; the show and the visits take minutes at most.
    const start = midnight + 18 * 3600_000;
    await opts.setClock(start);
    const setAt = Date.now();
    /** The stack's clock now (it runs on from `start`): client timestamps must not run ahead of it. */
    const clockNow = () => start + (Date.now() - setAt);

    /* visitors: per campaign 1–3 of them, each with 1–2 page views, every other one signs up */
    const visitors = CAMPAIGNS.flatMap((campaign, c) =>
      Array.from({ length: 1 + ((d + c) % 3) }, (_, i) => ({
        anonymous_id: `anon-${run}-${d}-${c}-${i}`,
        // The second visit of some comes from the next campaign: first and last touch differ.
        touches: i % 2 === 0 && c < CAMPAIGNS.length - 2 ? [campaign, CAMPAIGNS[c + 1]] : [campaign],
        signsUp: i % 2 === 0,
      })),
    );
    const signingUp = visitors.filter((v) => v.signsUp);
    const accounts = await provisionLocalBots(opts.target, signingUp.length, { prefix: `h${run}-d${d}-` });
    await mapLimit(signingUp, 4, async (v, i) => {
      const client = await clientFor(opts.target, accounts[i]);
      const session = `sess-${v.anonymous_id}`;
      // Visits a few minutes before the sign-up (now).
      const t0 = clockNow() - 10 * 60_000;
      const views = v.touches.map((c, n) => ({ session_id: session, anonymous_id: v.anonymous_id, category: 'page', name: 'page_view', timestamp: t0 + n * 1000, data: { path: '/', ...utm(c) } }));
      await client.sendEvents([...views, { session_id: session, anonymous_id: v.anonymous_id, category: 'account', name: 'sign_up', timestamp: t0 + 5000, data: {} }]);
      players.push({ ...accounts[i], client });
    });
    for (const v of signingUp) {
      out.page_views += v.touches.length;
      out.sign_ups += 1;
      // Only visits with utm parameters are touches: a direct visit is none (lambda/domain/growth.ts).
      const touched = v.touches.filter((c) => c !== null);
      bump(out.first_touch, touched.length ? key(touched[0]) : DIRECT);
      bump(out.last_touch, touched.length ? key(touched[touched.length - 1]) : DIRECT);
    }

    /* the players seen so far open the app (a page view without campaign), then play the day's show */
    await mapLimit(players, 8, (p, i) =>
      p.client.sendEvents([{ session_id: `app-${run}-${d}-${i}`, category: 'page', name: 'page_view', timestamp: clockNow(), data: { path: '/play' } }]),
    );
    out.page_views += players.length;
    const result = await simulate({
      target: opts.target,
      admin: opts.admin(),
      players: players.length,
      accuracy: opts.accuracy ?? 0.7,
      questions: 3,
      bots: players.map(({ email, password }) => ({ email, password })),
      timings: { lead_seconds: 3, answer_window_seconds: 8, reveal_seconds: 1 },
      random,
    });
    out.joined = result.players;
    // Answers stored and counted (the report's final statistics), not answers accepted: on a busy machine an accepted
    // answer can reach the consumer after its question was finalized, and goes to the dead-letter queue.
    out.answered = result.report.questions.find((q) => q.question_index === 0)?.answered_count ?? 0;
    out.won = result.winners;
    days.push(out);
    opts.onDay?.(out);
  }
  return days;
}
