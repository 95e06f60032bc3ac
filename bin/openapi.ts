#!/usr/bin/env -S npx tsx
/** `npm run openapi`: regenerates docs/openapi.json from lib/wiring.ts and the zod schemas (`--check`: fail if it is stale). */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderOpenApi } from '../lib/openapi.ts';

const file = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
const fresh = renderOpenApi();
if (process.argv.includes('--check')) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (current !== fresh) {
    process.stderr.write('docs/openapi.json is stale: run `npm run openapi`\n');
    process.exit(1);
  }
  process.stdout.write('docs/openapi.json is up to date\n');
} else {
  writeFileSync(file, fresh);
  process.stdout.write(`wrote docs/openapi.json (${Object.keys(JSON.parse(fresh).paths).length} paths)\n`);
}
