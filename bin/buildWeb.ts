#!/usr/bin/env -S npx tsx
/** `npm run build:web`: both web apps into web/dist, failing when the player app is over its JavaScript budget. */
import { PLAYER_JS_BUDGET_BYTES, buildWebApps } from '../lib/webBuild.ts';

try {
  const { playerJsGzipBytes, files } = await buildWebApps();
  console.log(`web/dist: ${files.length} files; player app JavaScript ${(playerJsGzipBytes / 1024).toFixed(1)} kB gzipped (budget ${PLAYER_JS_BUDGET_BYTES / 1024} kB)`);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exit(1);
}
