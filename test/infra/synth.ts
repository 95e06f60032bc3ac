/** Shared helpers of the infrastructure tests: synthesize a TriviaStack without bundling, and read its template. */
import { fileURLToPath } from 'node:url';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { TriviaStack } from '../../lib/triviaStack.ts';

/** A small stand-in for web/dist, so that the infrastructure tests need no `npm run build:web`. */
export const WEB_DIST_FIXTURE = fileURLToPath(new URL('./fixtures/webDist', import.meta.url));

export function synthStack(stage = 'test', context: Record<string, unknown> = {}): { app: App; stack: TriviaStack; template: Template } {
  // An empty bundling-stacks list skips esbuild: the tests check the wiring, not the bundles. CDK's built-in
  // CloudFormation schema validation takes seconds per synth; nag.test.ts runs it once, on the path `cdk synth` takes.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], webDistDir: WEB_DIST_FIXTURE, ...context }, builtinCloudFormationValidation: false });
  const stack = new TriviaStack(app, `TriviaLive-${stage}`, { stage });
  return { app, stack, template: Template.fromStack(stack) };
}

export interface TestAndProdStacks {
  stack: TriviaStack;
  template: Template;
  prodStack: TriviaStack;
  prodTemplate: Template;
}

/**
 * The test and prod stages, synthesized once for the file that calls it (when the file loads, so that its tests can
 * share them as constants). `prodContext` is the prod stage's CDK context, as `-c name=value` gives it.
 */
export function synthTestAndProd(prodContext: Record<string, unknown> = {}): TestAndProdStacks {
  const test = synthStack('test');
  const prod = synthStack('prod', prodContext);
  return { stack: test.stack, template: test.template, prodStack: prod.stack, prodTemplate: prod.template };
}

/** The logical id of a construct's CloudFormation resource (the construct itself or its default child). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

export interface CfnResourceJson {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

export const asArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Logical ids that a CloudFormation value refers to (Ref and Fn::GetAtt), with the attribute for GetAtt. */
export function refsIn(value: unknown): { id: string; attribute?: string }[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.Ref === 'string') return o.Ref.startsWith('AWS::') ? [] : [{ id: o.Ref }];
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [id, attribute] = o['Fn::GetAtt'] as [string, string];
      return [{ id, attribute }];
    }
    return Object.values(o).flatMap(refsIn);
  }
  return [];
}

/** All statements of the IAM policies attached to a role (by the role's logical id). */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as CfnResourceJson[];
  return policies
    .filter((p) => refsIn(p.Properties.Roles).some((r) => r.id === roleLogicalId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}
