/**
 * `npm start` (bin/local.ts) as an operator meets it: it comes up, writes its outputs, seeds the demo, stops on
 * Ctrl-C without leaving Java behind (not even when killed), and fails with one clear line when it cannot start.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDynamoLocal } from '../../lib/local/dynamo.ts';
import { REPO_ROOT } from '../../lib/repoRoot.ts';
import { eventually } from './support/index.ts';

const work = mkdtempSync(join(tmpdir(), 'local-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function startCli(args: string[], env: Record<string, string | undefined> = {}): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

const errorLines = (output: string) => output.split('\n').filter((l) => l.startsWith('error: '));

/** Java processes whose parent is `pid`. */
const javaChildren = (pid: number) =>
  spawnSync('pgrep', ['-P', String(pid), 'java'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start', () => {
  it('comes up, writes its outputs, seeds the demo, and stops on SIGINT without leaving Java behind', async () => {
    const outputsFile = join(work, 'outputs.json');
    const logFile = join(work, 'requests.log');
    const cli = startCli(['--outputs-file', outputsFile, '--log-file', logFile]);
    try {
      await eventually(() => expect(cli.output()).toContain('Trivia Live (local) is up'), { timeoutMs: 90_000, intervalMs: 200 });
      const outputs = JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, Record<string, string>>;
      expect(Object.keys(outputs)).toEqual(['TriviaLive-local']);
      expect(outputs['TriviaLive-local']).toEqual({
        ApiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        UserPoolId: expect.stringMatching(/^local_/),
        UserPoolClientId: expect.any(String),
        CognitoEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        EventApiHttpEndpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/event$/),
        EventApiRealtimeEndpoint: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/event\/realtime$/),
        // The web apps, on the API's origin.
        AppUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/?$/),
      });
      expect(cli.output()).toContain('admin@example.com');
      expect(cli.output()).not.toContain('demo seeding');
      const health = await fetch(`${outputs['TriviaLive-local'].ApiUrl}/api/v1/health`);
      expect(health.status).toBe(200);
      // The banner is not buried: request lines go to the log file it names, and the SDK's Node 20 notice is off.
      expect(cli.output()).toContain(`Logs         ${logFile}`);
      await eventually(() => expect(readFileSync(logFile, 'utf8')).toMatch(/"message":"request".*"\/api\/v1\/health"/), { timeoutMs: 5_000 });
      expect(cli.output()).not.toContain('"message":"request"');
      expect(cli.output()).not.toContain('NodeVersionSupportWarning');
      const [java] = javaChildren(cli.child.pid!);
      expect(java).toBeGreaterThan(0);

      cli.child.kill('SIGINT');
      expect(await cli.exit).toBe(0);
      await eventually(() => expect(alive(java)).toBe(false), { timeoutMs: 5_000 });
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('leaves no Java behind even when it is killed outright', async () => {
    const cli = startCli(['--no-seed', '--outputs-file', join(work, 'killed.json')]);
    try {
      await eventually(() => expect(cli.output()).toContain('Trivia Live (local) is up'), { timeoutMs: 90_000, intervalMs: 200 });
      const [java] = javaChildren(cli.child.pid!);
      expect(java).toBeGreaterThan(0);
      cli.child.kill('SIGKILL');
      await cli.exit;
      await eventually(() => expect(alive(java)).toBe(false), { timeoutMs: 8_000, intervalMs: 200 });
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('fails with one line when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const cli = startCli([], { PORT: String(port) });
      expect(await cli.exit).toBe(1);
      expect(errorLines(cli.output())).toEqual([`error: port ${port} is already in use (the API); set PORT to a free port`]);
    } finally {
      blocker.close();
    }
  });

  it('fails with one line when Java is missing or too old', async () => {
    const node = dirname(process.execPath);
    const missing = startCli([], { PATH: `${join(work, 'empty')}:/nonexistent` });
    expect(await missing.exit).toBe(1);
    expect(errorLines(missing.output())).toEqual([expect.stringMatching(/^error: java was not found on PATH: DynamoDB Local needs it; install Java 17/)]);

    const oldJava = join(work, 'old-java');
    rmSync(oldJava, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', oldJava]);
    writeFileSync(join(oldJava, 'java'), `#!/bin/sh\necho 'java version "1.8.0_292"' >&2\n`);
    chmodSync(join(oldJava, 'java'), 0o755);
    const old = startCli([], { PATH: `${oldJava}:${node}:/usr/bin:/bin` });
    expect(await old.exit).toBe(1);
    expect(errorLines(old.output())).toEqual([expect.stringMatching(/^error: Java 8 found, but DynamoDB Local needs Java 17 or later/)]);
  });

  it('gives up on DynamoDB Local that does not answer in time, and stops it', async () => {
    const before = javaChildren(process.pid);
    await expect(startDynamoLocal({ timeoutMs: 200 })).rejects.toMatchObject({
      code: 'dynamodb_not_started',
      message: expect.stringMatching(/^DynamoDB Local did not answer within 0.2 s on http:\/\/127\.0\.0\.1:\d+$/),
    });
    expect(javaChildren(process.pid)).toEqual(before);
  });
});
