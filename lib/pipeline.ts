/**
 * The delivery pipeline (issue 15, item 4), CDK Pipelines: `npx cdk deploy -c pipeline=true` once, and from then on
 * every push to the branch goes through it, the pipeline itself first (self-mutation):
 *
 *   source (CodeStar connection) → build: npm ci, lint, typecheck, npm test, cdk synth (cdk-nag fails the synth)
 *   → beta (TriviaLiveEdge-beta in us-east-1, then TriviaLive-beta, 10 % canary deploys, lib/constructs/deployments.ts)
 *   → the canary and a smoke show against beta → manual approval → prod (TriviaLiveEdge-prod, then TriviaLive-prod).
 * Each stage holds the stacks a single-stage deploy makes (lib/stageStacks.ts), so the pipeline's stages have the WAF too.
 *
 * Without `-c pipeline=true`, bin/app.ts deploys one stage as before (`npx cdk deploy -c stage=dev`).
 * Context: `connectionArn` (a CodeStar/CodeConnections connection to the repository), `repository` (owner/name),
 * `branch` (default `main`). Secrets the post-deploy checks read: docs/operations.md#pipeline.
 */
import { ArnFormat, CfnOutput, CfnResource, Stack, Stage, Validations, type StackProps, type StageProps } from 'aws-cdk-lib';
import { BuildSpec, ComputeType, LinuxBuildImage } from 'aws-cdk-lib/aws-codebuild';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CodeBuildStep, CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import type { Construct, IConstruct } from 'constructs';
import { canarySecretName } from './constructs/monitoring/canary.ts';
import type { EdgeStack } from './edgeStack.ts';
import { addStageStacks } from './stageStacks.ts';
import type { TriviaStack } from './triviaStack.ts';

/** The stages the pipeline deploys, in order (beta is checked before the approval that lets prod follow). */
export const PIPELINE_STAGES = ['beta', 'prod'] as const;
export type PipelineStageName = (typeof PIPELINE_STAGES)[number];

/** Secrets Manager names the post-deploy checks read (the canary's is the one the canary function uses too). */
export const smokeSecretName = (stage: string) => `trivia-live/${stage}/smoke`;

/** The build's commands: every gate a change must pass before any stage is touched. */
export const BUILD_COMMANDS = ['npm run lint', 'npm run build', 'npm test', 'npx cdk synth -c pipeline=true'];

export interface TriviaStageProps extends StageProps {
  readonly stage: PipelineStageName;
}

/**
 * One deployment stage: the stacks of a single-stage deploy, built by the same function (lib/stageStacks.ts) under the
 * same names: `TriviaLiveEdge-<stage>` (the CloudFront web ACL, us-east-1) first, then `TriviaLive-<stage>`.
 */
export class TriviaStage extends Stage {
  readonly stack: TriviaStack;
  readonly edge: EdgeStack;

  constructor(scope: Construct, id: string, props: TriviaStageProps) {
    super(scope, id, props);
    const { main, edge } = addStageStacks(this, props.stage, props.env);
    // The edge stack needs the target Region (its web ACL goes to the main stack as a cross-region reference).
    if (!edge) throw new Error(`the pipeline's stage ${props.stage} needs an env with a region`);
    this.stack = main;
    this.edge = edge;
  }

  /** An output of the stack, for the steps that run against it. */
  output(name: 'ApiUrl' | 'UserPoolClientId' | 'CognitoEndpoint' | 'UserPoolId'): CfnOutput {
    return this.stack.node.findChild(name) as CfnOutput;
  }
}

export interface PipelineStackProps extends StackProps {
  readonly connectionArn: string;
  /** `owner/name` of the repository. */
  readonly repository: string;
  readonly branch: string;
}

export class PipelineStack extends Stack {
  readonly pipeline: CodePipeline;
  readonly stages: Record<PipelineStageName, TriviaStage>;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const source = CodePipelineSource.connection(props.repository, props.branch, {
      connectionArn: props.connectionArn,
      // The build runs `git` (lint configs, the version): a full clone rather than a zip.
      codeBuildCloneOutput: true,
    });

    this.pipeline = new CodePipeline(this, 'Pipeline', {
      pipelineName: 'TriviaLive',
      selfMutation: true,
      // Both stages live in this account and region: no cross-account KMS key on the artifacts.
      crossAccountKeys: false,
      synth: new ShellStep('Build', {
        input: source,
        installCommands: ['n 22 || true', 'npm ci'],
        commands: BUILD_COMMANDS,
      }),
      codeBuildDefaults: {
        // Node 22, and Java 17 for DynamoDB Local in the e2e tests; the e2e tests start a whole local stack: a large host.
        buildEnvironment: { buildImage: LinuxBuildImage.STANDARD_7_0, computeType: ComputeType.LARGE },
        partialBuildSpec: BuildSpec.fromObject({ env: { variables: { CDK_DISABLE_CLI_TELEMETRY: 'true' } } }),
      },
    });

    const beta = new TriviaStage(this, 'Beta', { stage: 'beta', env: props.env });
    const prod = new TriviaStage(this, 'Prod', { stage: 'prod', env: props.env });
    this.stages = { beta, prod };

    this.pipeline.addStage(beta, { post: [this.checks(beta)] });
    this.pipeline.addStage(prod, {
      pre: [new ManualApprovalStep('PromoteToProd', { comment: 'beta passed the canary and the smoke show: promote this build to prod?' })],
    });
    // Built now rather than at synth, so that the acknowledgments below can find the resources CDK Pipelines creates.
    this.pipeline.buildPipeline();
    acknowledgePipelineFindings(this);
  }

  /** The canary (a one-question show as its dedicated user) and a smoke show of bots, against a deployed stage. */
  private checks(stage: TriviaStage): CodeBuildStep {
    const name = stage.stack.stackName;
    const secrets = [canarySecretName(stage.stack.stage), smokeSecretName(stage.stack.stage)];
    return new CodeBuildStep('CanaryAndSmoke', {
      installCommands: ['n 22 || true', 'npm ci'],
      envFromCfnOutputs: {
        API_URL: stage.output('ApiUrl'),
        USER_POOL_ID: stage.output('UserPoolId'),
        USER_POOL_CLIENT_ID: stage.output('UserPoolClientId'),
        COGNITO_ENDPOINT: stage.output('CognitoEndpoint'),
      },
      commands: [
        // The same file `cdk deploy --outputs-file` writes, so that the canary and the CLI find the stack as an operator's would.
        `node -e 'const e=process.env;require("fs").writeFileSync("cdk-outputs.json",JSON.stringify({"${name}":{ApiUrl:e.API_URL,UserPoolId:e.USER_POOL_ID,UserPoolClientId:e.USER_POOL_CLIENT_ID,CognitoEndpoint:e.COGNITO_ENDPOINT}}))'`,
        `npm run canary -- --stack ${name} --secret ${secrets[0]}`,
        `aws secretsmanager get-secret-value --secret-id ${secrets[1]} --query SecretString --output text > smoke.json`,
        `node -e 'const s=require("./smoke.json");require("fs").writeFileSync("bots.json",JSON.stringify(s.bots))'`,
        // Admins must have TOTP (lambda/domain/adminMfa.ts): the CLI computes the code from the enrolled secret.
        `TRIVIA_USER=$(node -p 'require("./smoke.json").admin.email') TRIVIA_PASSWORD=$(node -p 'require("./smoke.json").admin.password') ` +
          `TRIVIA_TOTP_SECRET=$(node -p 'require("./smoke.json").admin.totp_secret') ` +
          'npx trivia simulate --players 10 --accuracy 0.8 --questions 2 --window 5 --reveal 2 --lead 5 --bots bots.json --no-view --json',
      ],
      rolePolicyStatements: [
        new PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: secrets.map((s) => this.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${s}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })),
        }),
      ],
    });
  }
}

const ack = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });

/**
 * cdk-nag acknowledgments of what CDK Pipelines generates (the stages' stacks carry their own, lib/nag-suppressions*.ts),
 * each on the resource that raises it.
 */
function acknowledgePipelineFindings(stack: PipelineStack): void {
  for (const c of stack.node.findAll()) {
    if (Stage.of(c) !== Stage.of(stack) || !(c instanceof CfnResource)) continue;
    if (c.cfnResourceType === 'AWS::CodeBuild::Project') {
      ack(
        c,
        'AwsSolutions-CB4',
        'The build, check and asset projects of CDK Pipelines use the AWS managed key for CodeBuild: they hold the source and ' +
          'the cloud assembly, no player data, and every account that may read the artifact bucket may read them anyway.',
      );
    }
    if (c.cfnResourceType === 'AWS::S3::Bucket') {
      ack(
        c,
        'AwsSolutions-S1',
        "The pipeline's artifact bucket: only the pipeline's roles read and write it, and CloudTrail (the stages' trail) records " +
          'its management events. Server access logs would log the pipeline talking to itself.',
      );
    }
  }
  // The edge stacks deploy to us-east-1: CodePipeline keeps a copy of the artifacts there, in a bucket of a support
  // stack it makes (cross-region-stack-<account>:us-east-1), which is as much the pipeline's own as the artifact bucket.
  for (const support of Object.values(stack.pipeline.pipeline.crossRegionSupport).filter((s) => s.stack !== stack)) {
    ack(
      support.replicationBucket.node.defaultChild as CfnResource,
      'AwsSolutions-S1',
      "The pipeline's artifact replica for the us-east-1 (edge) deploys: only the pipeline's roles read and write it, and " +
        'server access logs would log the pipeline talking to itself.',
    );
  }
  // IAM5: the wildcards of the policies CDK Pipelines writes for its own roles. cdk-nag names each wildcard in the
  // finding (`AwsSolutions-IAM5[Action::s3:GetObject*]`, `[Resource::<bucket>/*]`, …) after CloudFormation tokens are
  // resolved, so they are found by running the same checks on the pipeline alone, and only they are acknowledged.
  const paths = new Map(stack.node.findAll().map((c) => [c.node.path, c] as const));
  for (const v of new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack).violations) {
    if (!v.ruleName.startsWith('AwsSolutions-IAM5[')) continue;
    for (const r of v.violatingResources) {
      const c = paths.get(r.constructPath ?? '');
      if (!c || !(c instanceof CfnResource) || c.cfnResourceType !== 'AWS::IAM::Policy' || !c.node.path.startsWith(`${stack.pipeline.node.path}/`)) continue;
      ack(
        c,
        v.ruleName,
        "CDK Pipelines' own grants to its own roles: objects of the pipeline's artifact bucket (s3:GetObject*, List*, " +
          "DeleteObject*, Abort* on <bucket>/*), the build projects' log and report groups, the CDK bootstrap roles " +
          "(self-mutation). Every resource is this pipeline's; the wildcards cover keys and names CodePipeline makes up.",
      );
    }
  }
}
