/**
 * The host console in Chromium against the local stack: an admin adds a question with an uploaded image, builds a
 * game, schedules an episode and follows it in the control room while bots play (participants, answer distribution),
 * then reads the report; cancelling asks for a confirmation; the API docs render; an admin with TOTP signs in with a
 * code; a player is refused.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriviaClient } from '../../client/client.ts';
import { DESKTOP, expectAccessible, launchChromium, newPerson, screenshot, signInThroughForm } from './support/browser.ts';
import { TINY_PNG, apiAs, appUrl, uniqueId } from './support/actors.ts';
import { DEMO_ADMIN_EMAIL } from '../../client/demoUsers.ts';
import { sdkCognitoClient } from '../../client/auth.ts';
import { associateTotp, enableTotp } from '../../client/mfa.ts';
import { totpCode } from '../../client/totp.ts';
import { createUser, signIn, stack } from '../e2e/support/index.ts';

let browser: Browser;
let admin: TriviaClient;

beforeAll(async () => {
  browser = await launchChromium();
  admin = await apiAs(DEMO_ADMIN_EMAIL);
});

afterAll(async () => {
  await browser?.close();
});

async function adminConsole(): Promise<{ page: Page; problems: string[] }> {
  const { page, problems } = await newPerson(browser, DESKTOP);
  await page.goto(appUrl('console/'));
  await signInThroughForm(page, DEMO_ADMIN_EMAIL);
  await page.getByRole('heading', { name: 'Question bank' }).waitFor();
  return { page, problems };
}

describe('host console', () => {
  it('creates a question with an uploaded image, builds a game, schedules an episode and follows it live while bots play', async () => {
    const tag = uniqueId('c');
    const other = await admin.createQuestion({ question: `Other question ${tag}?`, options: ['yes', 'no'], answer: 0 });
    const { page, problems } = await adminConsole();
    await expectAccessible(page, 'console: questions');

    // A question with an image: uploaded through the presigned URL, previewed before it is saved.
    const text = `Which planet is largest ${tag}?`;
    await page.getByLabel('Question', { exact: true }).fill(text);
    await page.getByLabel('Option 1', { exact: true }).fill('Mars');
    await page.getByLabel('Option 2', { exact: true }).fill('Jupiter');
    await page.getByLabel('Option 3', { exact: true }).fill('Venus');
    await page.getByLabel('Right option').selectOption({ label: 'Option 2: Jupiter' });
    await page.getByLabel('Image (optional)').setInputFiles({ name: 'planet.png', mimeType: 'image/png', buffer: TINY_PNG });
    await page.getByRole('img', { name: 'Preview of the image' }).waitFor();
    await page.getByLabel('Question in German').fill(`Welcher Planet ist am größten ${tag}?`);
    await page.getByLabel('Option 1 in German').fill('Mars');
    await page.getByLabel('Option 2 in German').fill('Jupiter');
    await page.getByLabel('Option 3 in German').fill('Venus');
    await screenshot(page, 'console-questions');
    await page.getByRole('button', { name: 'Create question' }).click();
    const created = await page.getByRole('status').filter({ hasText: /Question .+ created\./ }).textContent();
    const questionId = /Question (.+) created\./.exec(created ?? '')![1];
    const stored = await admin.getQuestion(questionId);
    expect(stored).toMatchObject({ question: text, options: ['Mars', 'Jupiter', 'Venus'], answer: '1', translations: { de: { options: ['Mars', 'Jupiter', 'Venus'] } } });
    expect(stored.media_url).toBeTruthy();
    // The bank shows the uploaded image, served back from the media URL.
    const image = page.getByRole('img', { name: `Image of "${text}"` });
    await image.waitFor();
    await expect.poll(() => image.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);

    // The game builder: both questions, put in order with the buttons.
    await page.getByRole('link', { name: 'Games' }).click();
    await page.getByRole('button', { name: `Add "${other.question}"` }).click();
    await page.getByRole('button', { name: `Add "${text}"` }).click();
    await page.getByRole('button', { name: `Move "${text}" up` }).click();
    await page.getByLabel('Title').fill(`Console show ${tag}`);
    await expectAccessible(page, 'console: game builder');
    await screenshot(page, 'console-games');
    await page.getByRole('button', { name: 'Create game' }).click();
    const gameLine = await page.getByRole('status').filter({ hasText: /Game .+ created\./ }).textContent();
    const gameId = /Game (\S+) created\./.exec(gameLine ?? '')![1];
    expect((await admin.getGame(gameId)).qset).toEqual([questionId, other.id]);

    // Scheduling, within the allowed ranges.
    await page.getByRole('link', { name: 'Schedule an episode of it' }).click();
    await expect.poll(() => page.getByLabel('Game id').inputValue()).toBe(gameId);
    await page.getByLabel('Minimum participants').fill('3');
    await page.getByLabel(/Answer window, seconds/).fill('5');
    await page.getByLabel(/Results shown, seconds/).fill('2');
    await page.getByLabel(/Lead time before question 1/).fill('2');
    expect(await page.getByLabel(/Answer window, seconds/).getAttribute('max')).toBe('60');
    await expectAccessible(page, 'console: episodes');
    await screenshot(page, 'console-episodes');
    await page.getByRole('button', { name: 'Schedule episode' }).click();
    const episodeLine = await page.getByRole('status').filter({ hasText: /Episode .+ scheduled\./ }).textContent();
    const episodeId = /Episode (\S+) scheduled\./.exec(episodeLine ?? '')![1];
    expect(await admin.getEpisode(episodeId)).toMatchObject({ state: 'CREATED', min_participant: 3, answer_window_seconds: 5, reveal_seconds: 2, lead_seconds: 2 });

    // The control room, by push: participants as bots register, then the distribution of question 1 as they answer.
    await page.getByRole('link', { name: 'Open its control room' }).click();
    await page.getByRole('heading', { name: `Control room: ${episodeId}` }).waitFor();
    const bots = await Promise.all([1, 2, 3].map((i) => apiAs(`${uniqueId(`bot${i}`)}@example.com`, {})));
    for (const bot of bots) await bot.register(episodeId);
    await expect.poll(() => page.getByTestId('participants').textContent(), { timeout: 20_000 }).toBe('3');
    const open = await admin.waitForEpisode(episodeId, (e) => e.state === 'QUESTION_OPEN', { timeoutMs: 30_000 });
    const q = open.current_question!;
    await Promise.all(bots.map((bot, i) => bot.submitAnswer({ episode_id: episodeId, question_id: q.id, answer: i === 2 ? '0' : '1' })));
    const table = page.getByRole('table', { name: 'Answers to question 1' });
    await table.waitFor({ timeout: 30_000 });
    expect(await table.getByRole('row').allInnerTexts()).toEqual([
      expect.stringMatching(/Option\s+Answers\s+Share/),
      expect.stringMatching(/^Mars\s+1\s+33%/),
      expect.stringMatching(/^Jupiter ✓ right answer\s+2\s+67%/),
      expect.stringMatching(/^Venus\s+0\s+0%/),
    ]);
    await expectAccessible(page, 'console: control room');
    await screenshot(page, 'console-control-room');

    // The report of the ended episode, with its charts.
    await page.getByRole('link', { name: 'Open the report' }).click({ timeout: 60_000 });
    await page.getByRole('heading', { name: `Report: ${episodeId}` }).waitFor();
    await page.getByRole('heading', { name: 'Winners (0)' }).waitFor();
    expect(await page.locator('.uplot').count()).toBeGreaterThanOrEqual(2);
    await expectAccessible(page, 'console: report');
    await screenshot(page, 'console-report');
    expect(problems).toEqual([]);
  });

  it('cancels an episode only after a confirmation', async () => {
    const q = await admin.createQuestion({ question: 'Cancel me?', options: ['a', 'b'], answer: 0 });
    const game = await admin.createGame({ qset: [q.id] });
    const episode = await admin.createEpisode({ game_id: game.id, min_participant: 50 });
    const { page, problems } = await adminConsole();
    await page.goto(appUrl(`console/#/live/${episode.id}`));
    await page.getByTestId('state').filter({ hasText: 'CREATED' }).waitFor();
    await page.getByRole('button', { name: 'Cancel episode' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this episode?' });
    await dialog.waitFor();
    await expectAccessible(page, 'console: cancel confirmation');
    await dialog.getByRole('button', { name: 'Keep it running' }).click();
    expect((await admin.getEpisode(episode.id)).state).toBe('CREATED');
    await page.getByRole('button', { name: 'Cancel episode' }).click();
    await dialog.getByRole('button', { name: 'Yes, cancel the episode' }).click();
    await page.getByTestId('state').filter({ hasText: 'CANCELLED' }).waitFor();
    // GET episode is cached for up to a second.
    await expect.poll(async () => (await admin.getEpisode(episode.id)).state).toBe('CANCELLED');
    expect(problems).toEqual([]);
  });

  it('renders the API docs with Swagger UI from the bundle (no CDN)', async () => {
    const { page, problems } = await newPerson(browser, DESKTOP);
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(appUrl())) external.push(r.url());
    });
    await page.goto(appUrl('console/apiDocs.html'));
    await page.getByRole('heading', { name: /Trivia Live API/ }).waitFor();
    await page.getByText('/api/v1/episode/{id}/winners').first().waitFor();
    await screenshot(page, 'console-api-docs');
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('signs in an admin with TOTP: after the password, the code of the authenticator app', async () => {
    const email = `${uniqueId('totp-admin')}@example.com`;
    await createUser({ email, admin: true });
    const cognito = sdkCognitoClient({ endpoint: stack().outputs.CognitoEndpoint });
    const { accessToken } = await signIn(email);
    const secret = await associateTotp(cognito, accessToken);
    await enableTotp(cognito, accessToken, totpCode(secret, Date.now()));

    const { page, problems } = await newPerson(browser, DESKTOP);
    await page.goto(appUrl('console/'));
    await signInThroughForm(page, email);
    const codeField = page.getByLabel('Authenticator code');
    await codeField.waitFor();
    await expectAccessible(page, 'console: TOTP code');
    await codeField.fill(totpCode(secret, Date.now()));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.getByRole('heading', { name: 'Question bank' }).waitFor();
    expect(problems).toEqual([]);
  });

  it('refuses a player plainly', async () => {
    const { page, problems } = await newPerson(browser, DESKTOP);
    await page.goto(appUrl('console/'));
    await expectAccessible(page, 'console: sign-in');
    await signInThroughForm(page, 'player1@example.com');
    await page.getByRole('heading', { name: 'Producers only' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('player1@example.com');
    expect(await page.getByRole('link', { name: 'Questions' }).count()).toBe(0);
    await expectAccessible(page, 'console: refused');
    await screenshot(page, 'console-refused');
    expect(problems).toEqual([]);
  });
});
