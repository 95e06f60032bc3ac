/**
 * The player app in Chromium against the local stack: a 3-question show with three players in three browser contexts
 * (one right every time and using the keyboard only, one wrong on question 2, one silent on question 1: the show ends
 * after question 2 with one player left), each question on screen within 500 ms of its push; and a page whose
 * WebSocket is killed mid-question recovers.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriviaClient } from '../../client/client.ts';
import { expectAccessible, launchChromium, newPerson, screenshot, signInThroughForm, tabTo, tabToButtonWithin } from './support/browser.ts';
import { apiAs, appUrl, uniqueId } from './support/actors.ts';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../client/demoUsers.ts';

let browser: Browser;
let admin: TriviaClient;

beforeAll(async () => {
  browser = await launchChromium();
  admin = await apiAs(DEMO_ADMIN_EMAIL);
});

afterAll(async () => {
  await browser?.close();
});

const QUESTIONS = [
  { question: 'Which planet is the largest?', options: ['Mars', 'Jupiter', 'Venus'], answer: 1 },
  { question: 'How many legs has a spider?', options: ['Six', 'Eight', 'Ten'], answer: 1 },
  { question: 'Which gas do plants take in?', options: ['Oxygen', 'Helium', 'Carbon dioxide'], answer: 2 },
];

async function scheduleShow(title: string, questions: typeof QUESTIONS, timing: { min: number; window: number }) {
  const ids = [];
  for (const q of questions) ids.push((await admin.createQuestion(q)).id);
  const game = await admin.createGame({ qset: ids, title });
  return admin.createEpisode({ game_id: game.id, min_participant: timing.min, lead_seconds: 3, answer_window_seconds: timing.window, reveal_seconds: 2 });
}

const question = (page: Page, text: string) => page.getByRole('heading', { name: text });
const notice = (page: Page, text: string | RegExp) => page.getByRole('status').filter({ hasText: text });

interface Timing {
  kind: string;
  type?: string;
  state?: string;
  index: number;
  at: number;
  server_time?: number;
  server_now?: number;
}
const timingsOf = (page: Page) => page.evaluate(() => (globalThis as unknown as { __triviaTimings?: Timing[] }).__triviaTimings ?? []);

describe('player app', () => {
  it('plays a whole show: each player sees their own fate, the winner is named, questions appear within 500 ms of their push', async () => {
    const title = `Browser show ${uniqueId('s')}`;
    // A 15-second window: room for the axe checks and screenshots on this slow machine while the question is open.
    const episode = await scheduleShow(title, QUESTIONS, { min: 3, window: 15 });
    const nicknames = ['player11', 'player12', 'player13'];
    const [ace, slip, quiet] = await Promise.all(nicknames.map(() => newPerson(browser)));
    const people = [ace, slip, quiet];

    // Sign in and join. The ace uses the keyboard alone.
    await ace.page.goto(appUrl());
    await expectAccessible(ace.page, 'player: sign-in');
    await screenshot(ace.page, 'player-sign-in');
    await tabTo(ace.page, 'Email');
    await ace.page.keyboard.type('player11@example.com');
    await ace.page.keyboard.press('Tab');
    await ace.page.keyboard.type(DEMO_PASSWORD);
    await ace.page.keyboard.press('Enter');
    await ace.page.getByRole('heading', { name: title }).waitFor();
    await expectAccessible(ace.page, 'player: lobby');
    await screenshot(ace.page, 'player-lobby');
    await tabToButtonWithin(ace.page, 'Join', title);
    await ace.page.keyboard.press('Enter');
    for (const [i, p] of [slip, quiet].entries()) {
      await p.page.goto(appUrl());
      await signInThroughForm(p.page, `${nicknames[i + 1]}@example.com`);
      await p.page.getByRole('listitem').filter({ hasText: title }).getByRole('button', { name: 'Join' }).click();
    }
    for (const p of people) await p.page.getByRole('heading', { name: title }).waitFor();
    await ace.page.getByRole('heading', { name: /Get ready/ }).waitFor();
    await expectAccessible(ace.page, 'player: waiting');
    await screenshot(ace.page, 'player-waiting');

    // Question 1: the ace (keyboard) and the slip answer right, the quiet one says nothing.
    const [q1, q2] = QUESTIONS;
    await Promise.all(people.map((p) => question(p.page, q1.question).waitFor({ timeout: 30_000 })));
    await tabTo(ace.page, q1.options[q1.answer]);
    await ace.page.keyboard.press('Enter');
    await slip.page.getByRole('button', { name: q1.options[q1.answer] }).click();
    await screenshot(quiet.page, 'player-question');
    await expectAccessible(quiet.page, 'player: question');
    await notice(ace.page, `Answer locked: ${q1.options[q1.answer]}`).waitFor();
    expect(await ace.page.getByRole('button', { name: q1.options[q1.answer] }).getAttribute('aria-pressed')).toBe('true');
    await expectAccessible(ace.page, 'player: answer locked');
    await screenshot(ace.page, 'player-locked');
    await notice(ace.page, "You're through!").waitFor({ timeout: 30_000 });
    await notice(slip.page, "You're through!").waitFor();
    await notice(quiet.page, /Eliminated/).waitFor();
    const bars = await ace.page.getByRole('list', { name: 'How everyone answered' }).getByRole('listitem').allInnerTexts();
    expect(bars).toEqual([expect.stringMatching(/^Mars\s+0$/), expect.stringMatching(/^Jupiter ✓ right answer · your answer\s+2$/), expect.stringMatching(/^Venus\s+0$/)]);
    await expectAccessible(ace.page, 'player: results');
    await screenshot(ace.page, 'player-results');
    await expectAccessible(quiet.page, 'player: eliminated');
    await screenshot(quiet.page, 'player-eliminated');

    // Question 2: the slip goes wrong; the quiet one watches, unable to answer.
    await Promise.all(people.map((p) => question(p.page, q2.question).waitFor({ timeout: 30_000 })));
    expect(await quiet.page.getByRole('button', { name: q2.options[0] }).isDisabled()).toBe(true);
    await tabTo(ace.page, q2.options[q2.answer]);
    await ace.page.keyboard.press('Enter');
    await slip.page.getByRole('button', { name: q2.options[0] }).click();
    await notice(slip.page, `Answer locked: ${q2.options[0]}`).waitFor();
    await notice(ace.page, "You're through!").waitFor({ timeout: 30_000 });
    await notice(slip.page, /Eliminated/).waitFor();

    // One player is left after question 2, so the show ends there (DESIGN.md: ENDED after results that leave one or none).
    for (const p of people) await p.page.getByRole('heading', { name: 'The show is over: 1 winners' }).waitFor({ timeout: 30_000 });
    await notice(ace.page, 'You won!').waitFor();
    await notice(slip.page, 'You were eliminated at question 2.').waitFor();
    await notice(quiet.page, 'You were eliminated at question 1.').waitFor();
    const aceNickname = (await (await apiAs('player11@example.com')).getMe()).nickname;
    for (const p of people) expect(await p.page.getByRole('list', { name: 'Winners' }).innerText()).toBe(aceNickname);
    await expectAccessible(ace.page, 'player: winners');
    await screenshot(ace.page, 'player-winners');
    expect((await admin.getEpisode(episode.id)).remaining_count).toBe(1);

    // Push to screen: each question appeared within 500 ms of the push that opened it, measured in each page.
    for (const p of people) {
      const timings = await timingsOf(p.page);
      for (const index of [0, 1]) {
        const pushed = timings.find((t) => t.kind === 'received' && t.state === 'QUESTION_OPEN' && t.index === index);
        const shown = timings.find((t) => t.kind === 'shown' && t.index === index);
        expect(pushed, `question ${index + 1} pushed`).toBeDefined();
        expect(shown, `question ${index + 1} shown`).toBeDefined();
        expect(shown!.at - pushed!.at, `question ${index + 1}: push to screen, ms`).toBeLessThan(500);
        expect(shown!.at).toBeGreaterThanOrEqual(pushed!.at);
      }
      expect(p.problems).toEqual([]);
    }
  });

  it("recovers within 3 s when the page's WebSocket is killed mid-question, and shows the right state", async () => {
    const title = `Resilience ${uniqueId('r')}`;
    const episode = await scheduleShow(title, QUESTIONS.slice(0, 2), { min: 1, window: 8 });
    const { context, page, problems } = await newPerson(browser);
    // Keeps every WebSocket the page opens, so that the test can kill them (installed before the app's own scripts).
    await context.addInitScript(() => {
      const g = globalThis as unknown as { WebSocket: new (...a: unknown[]) => { close(code?: number): void }; __sockets: { close(): void }[] };
      const Native = g.WebSocket;
      g.__sockets = [];
      const Tracked = function (this: unknown, ...args: unknown[]) {
        const socket = new Native(...args);
        g.__sockets.push(socket);
        return socket;
      } as unknown as typeof Native;
      Object.assign(Tracked, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3, prototype: Native.prototype });
      g.WebSocket = Tracked;
    });
    await page.goto(appUrl());
    await signInThroughForm(page, 'player14@example.com');
    await page.getByRole('listitem').filter({ hasText: title }).getByRole('button', { name: 'Join' }).click();
    await question(page, QUESTIONS[0].question).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: QUESTIONS[0].options[QUESTIONS[0].answer] }).click();
    await notice(page, /Answer locked/).waitFor();

    // Kill the connection shortly before the window closes, so that the show moves on while the page is cut off.
    const open = await admin.getEpisode(episode.id);
    await new Promise((r) => setTimeout(r, Math.max(0, open.question_end_timestamp - open.server_time - 1500)));
    const killedAt = Date.now();
    const killed = await page.evaluate(() => {
      const g = globalThis as unknown as { __sockets: { readyState: number; close(): void }[] };
      const live = g.__sockets.filter((s) => s.readyState === 1);
      for (const s of live) s.close();
      return live.length;
    });
    expect(killed).toBeGreaterThan(0);
    await page.locator('main[data-connection="live"]').waitFor({ timeout: 3000 });
    // The right state: what the server says now, shown within the same 3 s.
    await expect
      .poll(async () => {
        const [shown, server] = await Promise.all([page.locator('main.show').getAttribute('data-state'), admin.getEpisode(episode.id)]);
        return shown === server.state ? shown : `${shown} (server ${server.state})`;
      }, { timeout: Math.max(100, 3000 - (Date.now() - killedAt)), interval: 100 })
      .toMatch(/^QUESTION_(OPEN|CLOSED|RESULTS)$/);
    expect(Date.now() - killedAt).toBeLessThan(3500);
    // And it keeps following the show by push: its results, then the end (one player left ends the show).
    await notice(page, "You're through!").waitFor({ timeout: 30_000 });
    await notice(page, 'You won!').waitFor({ timeout: 30_000 });
    expect(problems).toEqual([]);
  });
});
