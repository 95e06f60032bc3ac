#!/usr/bin/env -S npx tsx
/**
 * The CDK app: `npx cdk synth|deploy --all [-c stage=prod]`. Stacks `TriviaLive-<stage>` and, when the Region is known,
 * `TriviaLiveEdge-<stage>` in us-east-1 (the CloudFront web ACL, lib/edge-stack.ts); checked by cdk-nag (AwsSolutions).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addStageStacks } from '../lib/stage-stacks.ts';
import { ensureWebBuild } from '../lib/webBuild.ts';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
if (!/^[a-z][a-z0-9-]{0,20}$/.test(stage)) throw new Error(`invalid stage "${stage}": lower-case letters, digits and dashes`);

// The stack deploys the web apps' build (lib/constructs/webApps.ts): make sure it exists and is current.
await ensureWebBuild();

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

addStageStacks(app, stage, account || region ? { account, region } : undefined);

// cdk-nag 3 is a policy validation plugin (not an Aspect): unacknowledged findings fail the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

app.synth();
