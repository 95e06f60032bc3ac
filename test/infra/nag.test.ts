/**
 * cdk-nag (AwsSolutions): no finding, error or warning, is left unacknowledged, and every acknowledgment says why.
 *
 * cdk-nag 3 is a policy validation plugin, not an Aspect that writes Annotations: `cdk synth` runs it through
 * `Validations.of(app).addPlugins(...)` (bin/app.ts), fails on errors and prints warnings. Here we run the same pack
 * directly on the stack (validateScope), and once through a real synth with the plugin registered as in bin/app.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TriviaStack } from '../../lib/triviaStack.ts';
import { WEB_DIST_FIXTURE, synthStack } from './synth.ts';

type Report = ReturnType<AwsSolutionsChecks['validateScope']>;

const summary = (report: Report) =>
  report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);

function acknowledgments(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && m.data)
      .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
  );
}

let stack: TriviaStack;
let prodStack: TriviaStack;

beforeAll(() => {
  ({ stack } = synthStack('test'));
  ({ stack: prodStack } = synthStack('prod'));
}, 120_000);

describe('cdk-nag AwsSolutions', () => {
  it('reports findings at all (control: an unencrypted, non-TLS queue without a DLQ fails)', () => {
    const control = new Stack(new App(), 'Control');
    new Queue(control, 'Plain', { encryption: QueueEncryption.UNENCRYPTED });
    const rules = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(control).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });

  it('finds no unacknowledged error or warning in the stack', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    expect(summary(report)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('finds none in the prod stage either', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(prodStack);
    expect(summary(report)).toEqual([]);
  });

  it('gives a written reason for every acknowledgment, and acknowledges nothing stack-wide', () => {
    const acks = acknowledgments(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.id).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);
      expect(a.path, `${a.id} should be acknowledged on the resource, not the whole stack`).not.toBe(stack.node.path);
    }
  });

  it('passes a real synth as bin/app.ts runs it: nag plugin and CloudFormation validation report nothing', () => {
    const outdir = mkdtempSync(path.join(tmpdir(), 'trivia-nag-'));
    const exitCode = process.exitCode;
    try {
      const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [], webDistDir: WEB_DIST_FIXTURE } });
      new TriviaStack(app, 'TriviaLive-test', { stage: 'test' });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
      app.synth(); // throws ValidationFailed on any unacknowledged error
      const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as { pluginReports: unknown[] };
      expect(report.pluginReports).toEqual([]); // no warnings either
    } finally {
      process.exitCode = exitCode;
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);
});
