#!/usr/bin/env -S npx tsx
/** The CDK app: `npx cdk synth|deploy [-c stage=prod]`. Stack `TriviaLive-<stage>`, checked by cdk-nag (AwsSolutions). */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TriviaStack } from '../lib/trivia-stack.ts';
import { ensureWebBuild } from '../lib/webBuild.ts';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
if (!/^[a-z][a-z0-9-]{0,20}$/.test(stage)) throw new Error(`invalid stage "${stage}": lower-case letters, digits and dashes`);

// The stack deploys the web apps' build (lib/constructs/webApps.ts): make sure it exists and is current.
await ensureWebBuild();

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

new TriviaStack(app, `TriviaLive-${stage}`, {
  stage,
  env: account || region ? { account, region } : undefined,
  description: `Trivia Live: serverless backend for live trivia shows (${stage})`,
});

// cdk-nag 3 is a policy validation plugin (not an Aspect): unacknowledged findings fail the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

app.synth();
