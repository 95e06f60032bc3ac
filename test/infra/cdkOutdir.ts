/**
 * Setup file of the unit project (vitest.config.ts): CDK writes an App that has no `outdir` to a new
 * `<tmp>/cdk.outXXXXXX` and never removes it, one per synth, hundreds per `npm test`. The Apps of one test file share
 * one directory instead (CDK_OUTDIR, which App reads), removed when the file is done.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const outdir = mkdtempSync(join(tmpdir(), 'trivia-cdk-test-'));
process.env.CDK_OUTDIR = outdir;
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
