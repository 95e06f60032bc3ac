/**
 * Builds the two web apps with Vite (`npm run build:web`): the player app at `/` and the host console at `/console/`,
 * into web/dist (git-ignored), and holds the player app to its JavaScript budget.
 *
 * The builds carry no endpoint: the apps read `/config.json`, written at deploy (lib/constructs/webApps.ts) and served
 * by `npm start` (lib/local/webApps.ts).
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { InlineConfig, PluginOption } from 'vite';
import { REPO_ROOT } from './repoRoot.ts';

export const WEB_DIR = join(REPO_ROOT, 'web');
export const WEB_DIST = join(WEB_DIR, 'dist');
/** The player app's JavaScript, gzipped, must stay under this (issue 13). */
export const PLAYER_JS_BUDGET_BYTES = 120 * 1024;
/** Hashed, immutable files live under these prefixes; everything else (HTML, config.json, sw.js) is revalidated. */
export const ASSET_DIRS = ['assets/', 'console/assets/'] as const;

const app = (name: 'player' | 'console', base: string, outDir: string, inputs: string[], preact: () => PluginOption): InlineConfig => ({
  configFile: false,
  root: join(WEB_DIR, name),
  base,
  logLevel: 'warn',
  plugins: [preact()],
  publicDir: join(WEB_DIR, name, 'public'),
  build: {
    outDir,
    emptyOutDir: false,
    assetsDir: 'assets',
    // A strict CSP allows no inline script: Vite's module preload polyfill would be one.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // Swagger UI is one large module of the console; the player app has its own budget, checked below.
    chunkSizeWarningLimit: 2048,
    rolldownOptions: { input: inputs.map((i) => join(WEB_DIR, name, i)) },
  },
});

export interface WebBuildResult {
  playerJsGzipBytes: number;
  files: string[];
}

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

/** The gzipped size of the player app's JavaScript (the console's files excluded). */
export function playerJsGzipBytes(distDir = WEB_DIST): number {
  return walk(distDir)
    .filter((f) => f.endsWith('.js') && !relative(distDir, f).startsWith('console/'))
    .reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0);
}

export async function buildWebApps(): Promise<WebBuildResult> {
  // Vite is loaded only to build: the local stack imports this module for WEB_DIST alone.
  const [{ build }, { default: preact }] = await Promise.all([import('vite'), import('@preact/preset-vite')]);
  rmSync(WEB_DIST, { recursive: true, force: true });
  await build(app('player', '/', WEB_DIST, ['index.html'], preact));
  await build(app('console', '/console/', join(WEB_DIST, 'console'), ['index.html', 'apiDocs.html'], preact));
  const size = playerJsGzipBytes();
  if (size > PLAYER_JS_BUDGET_BYTES) {
    throw new Error(`the player app's JavaScript is ${(size / 1024).toFixed(1)} kB gzipped, over its ${PLAYER_JS_BUDGET_BYTES / 1024} kB budget`);
  }
  return { playerJsGzipBytes: size, files: walk(WEB_DIST).map((f) => relative(WEB_DIST, f)) };
}

/** The newest modification time under `dir` (ms), skipping `skip`. */
function newestMtime(dir: string, skip: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (path === skip || name === 'node_modules') continue;
    const s = statSync(path);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(path, skip) : s.mtimeMs);
  }
  return newest;
}

/**
 * Builds the apps when web/dist is missing or older than their sources (web/, and the typed client and contract
 * they bundle), so that `npm start` and the browser tests never serve a stale build and rarely pay for a fresh one.
 */
export async function ensureWebBuild(): Promise<{ built: boolean; playerJsGzipBytes: number }> {
  const stamp = join(WEB_DIST, 'index.html');
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const sourcesAt = Math.max(newestMtime(WEB_DIR, WEB_DIST), newestMtime(join(REPO_ROOT, 'client'), ''), newestMtime(join(REPO_ROOT, 'lambda', 'domain'), ''));
  if (builtAt > sourcesAt && existsSync(join(WEB_DIST, 'console', 'index.html'))) return { built: false, playerJsGzipBytes: playerJsGzipBytes() };
  const { playerJsGzipBytes: size } = await buildWebApps();
  return { built: true, playerJsGzipBytes: size };
}
