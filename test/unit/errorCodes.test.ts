/**
 * Every error code the API answers with is in the catalogue (lambda/domain/errorCodes.ts), and the catalogue is in
 * the OpenAPI document: read from the handlers' own source, so a new code cannot ship undocumented.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../lambda/domain/errorCodes.ts';

const LAMBDA = new URL('../../lambda/', import.meta.url).pathname;

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [readFileSync(join(dir, entry.name), 'utf8')] : [],
  );

/** The codes the source throws or answers: the helpers of lambda/domain/errors.ts, DomainError, validate()'s codes. */
function codesInSource(): Set<string> {
  const codes = new Set<string>(['invalid_body']); // validate()'s default
  const patterns: [RegExp, (m: RegExpExecArray) => string][] = [
    [/\b(?:badRequest|forbidden|conflict|unprocessable|throttled)\(\s*'([a-z_]+)'/g, (m) => m[1]],
    [/new DomainError\(\s*'[a-z_]+',\s*'([a-z_]+)'/g, (m) => m[1]],
    [/\bnotFound\(\s*'([a-z_]+)'/g, (m) => `${m[1]}_not_found`],
    [/\bvalidate\([^;]*?,\s*'([a-z_]+)'\)/g, (m) => m[1]],
    [/\bcode: '([a-z_]+)'/g, (m) => m[1]],
  ];
  for (const text of sources(LAMBDA)) {
    for (const [pattern, code] of patterns) for (const m of text.matchAll(pattern)) codes.add(code(m as RegExpExecArray));
  }
  return codes;
}

describe('error codes', () => {
  const used = codesInSource();

  it('finds the codes of the source (the scan works)', () => {
    for (const code of ['malformed_json', 'body_too_large', 'invalid_cursor', 'invalid_path', 'episode_not_found', 'unsupported_media_type', 'internal_error']) {
      expect(used, code).toContain(code);
    }
  });

  it('every code the source uses is in the catalogue', () => {
    expect([...used].filter((code) => !(code in ERROR_CODES)).sort()).toEqual([]);
  });

  it('every code of the catalogue is used by the source (no stale entries)', () => {
    expect(Object.keys(ERROR_CODES).filter((code) => !used.has(code)).sort()).toEqual([]);
  });

  it('every code of the catalogue is named in docs/openapi.json, with its status', () => {
    const doc = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
    for (const [code, [status]] of Object.entries(ERROR_CODES)) expect(doc, code).toContain(`| \`${code}\` | ${status} |`);
  });
});
