/**
 * Chromium for the browser tests: Debian's package driven by playwright-core (no browser download), headless, with a
 * fresh profile per launch. Helpers to sign in as a person does, to run axe-core in the page, to move by keyboard,
 * and to write screenshots to docs/screenshots when UPDATE_SCREENSHOTS=1.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../../../client/demoUsers.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
const SCREENSHOT_DIR = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const AXE_SOURCE = readFileSync(join(createRequire(import.meta.url).resolve('axe-core'), '..', 'axe.min.js'), 'utf8');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh context (its own storage: one person), in English, with every CSP violation and page error collected. */
export async function newPerson(browser: Browser, viewport = PHONE): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'Europe/Berlin', serviceWorkers: 'block' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { context, page, problems };
}

/** Signs in through the form, by the names the contract fixes (`Email`, `Password`, `Sign in`). */
export async function signInThroughForm(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** axe-core in the page (evaluated through the debugger, so the page's CSP stays as it is): no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.evaluate(`${AXE_SOURCE}\n;undefined`);
  const violations = await page.evaluate(async () => {
    // In the page (this file has no DOM types): axe-core's global, run over the whole document.
    const page = globalThis as unknown as {
      document: unknown;
      axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> };
    };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
  const severe = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(severe, `axe on ${screen}`).toEqual([]);
}

/** Presses Tab until the focused element has this accessible text (at most `limit` presses): keyboard-only use. */
export async function tabTo(page: Page, text: string | RegExp, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      type Focused = { getAttribute(name: string): string | null; innerText?: string; labels?: { innerText: string }[] } | null;
      const el = (globalThis as unknown as { document: { activeElement: Focused } }).document.activeElement;
      // A field is named by its label, a button by its aria-label or its text.
      return el ? (el.labels?.[0]?.innerText ?? el.getAttribute('aria-label') ?? el.innerText ?? '').trim() : '';
    });
    if (typeof text === 'string' ? focused === text : text.test(focused)) return;
  }
  throw new Error(`no focusable element "${text}" within ${limit} Tab presses`);
}

/** Tabs until the focused element is the button `name` inside the list item that mentions `within`. */
export async function tabToButtonWithin(page: Page, name: string, within: string, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate(
      ([n, w]) => {
        type El = { tagName: string; innerText: string; closest(sel: string): { innerText: string } | null } | null;
        const el = (globalThis as unknown as { document: { activeElement: El } }).document.activeElement;
        return !!el && el.tagName === 'BUTTON' && el.innerText.trim() === n && !!el.closest('li')?.innerText.includes(w);
      },
      [name, within] as const,
    );
    if (hit) return;
  }
  throw new Error(`no button "${name}" near "${within}" within ${limit} Tab presses`);
}

/** Writes docs/screenshots/<name>.png when UPDATE_SCREENSHOTS=1. */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
