#!/usr/bin/env -S npx tsx
/**
 * The CDK app, checked by cdk-nag (AwsSolutions):
 * - `npx cdk synth|deploy --all [-c stage=prod]`: one stage: `TriviaLive-<stage>` and, when the Region is known,
 *   `TriviaLiveEdge-<stage>` in us-east-1 (the CloudFront web ACL, lib/edgeStack.ts);
 * - `npx cdk deploy -c pipeline=true -c connectionArn=… -c repository=owner/name [-c branch=main]`: the delivery
 *   pipeline (lib/pipeline.ts), stack `TriviaLive-pipeline`, which then deploys beta and prod itself.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { contextReader, contextString } from '../lib/cdkContext.ts';
import { PipelineStack } from '../lib/pipeline.ts';
import { addStageStacks } from '../lib/stageStacks.ts';
import { ensureWebBuild } from '../lib/webBuild.ts';

const app = new App();
// The stack deploys the web apps' build (lib/constructs/webApps.ts): make sure it exists and is current.
await ensureWebBuild();

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
const env = account || region ? { account, region } : undefined;
const context = (name: string): string | undefined => contextString(contextReader(app.node), name);

if (context('pipeline') === 'true') {
  const connectionArn = context('connectionArn');
  const repository = context('repository');
  if (!connectionArn || !repository) throw new Error('the pipeline needs -c connectionArn=<CodeStar connection ARN> and -c repository=<owner/name>');
  new PipelineStack(app, 'TriviaLive-pipeline', {
    connectionArn,
    repository,
    branch: context('branch') ?? 'main',
    env,
    description: 'Trivia Live: the delivery pipeline (build, beta, approval, prod)',
  });
} else {
  const stage = context('stage') ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,20}$/.test(stage)) throw new Error(`invalid stage "${stage}": lower-case letters, digits and dashes`);
  addStageStacks(app, stage, env);
}

// cdk-nag 3 is a policy validation plugin (not an Aspect): unacknowledged findings fail the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

app.synth();
