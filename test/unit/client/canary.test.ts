/** `npm run canary` (client/cli/canary.ts): its usage errors, where credentials come from, and the line it prints. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryCommand } from '../../../client/cli/canary.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function outputsFile(apiUrl: string, cognitoEndpoint: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'trivia-canary-')), 'cdk-outputs.json');
  writeFileSync(file, JSON.stringify({ 'TriviaLive-dev': { ApiUrl: apiUrl, UserPoolId: 'eu-west-1_abc', UserPoolClientId: 'c', CognitoEndpoint: cognitoEndpoint } }));
  return file;
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await canaryCommand(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out, err };
}

describe('npm run canary', () => {
  it('refuses a bad window or flag with exit 2', async () => {
    expect(await run(['--window', '99'])).toEqual({ code: 2, out: [], err: ['error: --window must be 1 to 60 seconds'] });
    expect((await run(['--bogus'])).code).toBe(2);
  });

  it('needs credentials on a deployed stack (it creates its user only on a local one)', async () => {
    const file = outputsFile('https://trivia.example.com', 'https://cognito-idp.eu-west-1.amazonaws.com');
    expect(await run(['--outputs', file])).toEqual({
      code: 2,
      out: [],
      err: ['error: no canary credentials: set CANARY_USERNAME and CANARY_PASSWORD, or pass --secret NAME'],
    });
  });

  it('prints the failure in one line and exits 1 when the stack does not answer', async () => {
    const port = await closedPort();
    const file = outputsFile(`http://127.0.0.1:${port}`, `http://127.0.0.1:${port}`);
    const r = await run(['--outputs', file], { CANARY_USERNAME: 'canary@example.com', CANARY_PASSWORD: 'pw' });
    expect(r.code).toBe(1);
    expect(r.err).toEqual([]);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toMatch(/^TriviaLive-dev: canary FAILED after \d+ ms: TypeError: fetch failed$/);
  });
});
