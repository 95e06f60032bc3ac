/**
 * The delivery pipeline (lib/pipeline.ts), synthesized: it cannot run here, so the test reads what CodePipeline would
 * run: the source, the build's gates, beta, the checks against beta, the approval, prod; each stage with both stacks of
 * a single-stage deploy (the edge stack's web ACL first); and cdk-nag over it.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { canarySecretName } from '../../lib/constructs/monitoring/canary.ts';
import { EDGE_REGION } from '../../lib/edgeStack.ts';
import { BUILD_COMMANDS, PIPELINE_STAGES, PipelineStack, smokeSecretName } from '../../lib/pipeline.ts';
import { WEB_DIST_FIXTURE } from './synth.ts';

const CONNECTION = 'arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-test';
const env = { account: '123456789012', region: 'eu-west-1' };

let stack: PipelineStack;
let template: Template;

interface Action {
  Name: string;
  RunOrder?: number;
  ActionTypeId: { Category: string; Provider: string };
  Configuration?: Record<string, unknown>;
}
interface PipelineStage {
  Name: string;
  Actions: Action[];
}

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], webDistDir: WEB_DIST_FIXTURE }, builtinCloudFormationValidation: false });
  stack = new PipelineStack(app, 'TriviaLive-pipeline', { connectionArn: CONNECTION, repository: 'trivia/trivia-live', branch: 'main', env });
  template = Template.fromStack(stack);
}, 300_000);

const stages = () => {
  const [pipeline] = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as { Properties: { Stages: PipelineStage[] } }[];
  return pipeline.Properties.Stages;
};
const stageNamed = (name: string) => stages().find((s) => s.Name === name)!;
const inOrder = (s: PipelineStage) => [...s.Actions].sort((a, b) => (a.RunOrder ?? 1) - (b.RunOrder ?? 1));
const projectOf = (action: Action) => {
  const ref = action.Configuration?.ProjectName as { Ref: string };
  return template.toJSON().Resources[ref.Ref] as { Properties: { Source: { BuildSpec: string } } };
};

describe('the pipeline', () => {
  it('goes source → build → self-update → assets → beta → prod', () => {
    const names = stages().map((s) => s.Name);
    expect([...names.slice(0, 3), ...names.slice(-2)]).toEqual(['Source', 'Build', 'UpdatePipeline', 'Beta', 'Prod']);
    // The assets of both stacks of both stages: CDK Pipelines splits them into Assets.1, Assets.2, … past 50 actions a stage.
    const assets = names.slice(3, -2);
    expect(assets.length).toBeGreaterThan(0);
    for (const name of assets) expect(name).toMatch(/^Assets(\.\d+)?$/);
  });

  it('takes the branch of the repository through the CodeStar connection given as context', () => {
    const [source] = stageNamed('Source').Actions;
    expect(source.ActionTypeId).toMatchObject({ Category: 'Source', Provider: 'CodeStarSourceConnection' });
    expect(source.Configuration).toMatchObject({ ConnectionArn: CONNECTION, FullRepositoryId: 'trivia/trivia-live', BranchName: 'main' });
  });

  it('builds with every gate, in order: lint, typecheck, the tests, and a synth that cdk-nag fails', () => {
    expect(BUILD_COMMANDS).toEqual(['npm run lint', 'npm run build', 'npm test', 'npx cdk synth -c pipeline=true']);
    const buildSpec = JSON.parse(projectOf(stageNamed('Build').Actions[0]).Properties.Source.BuildSpec) as { phases: { build: { commands: string[] }; install: { commands: string[] } } };
    expect(buildSpec.phases.install.commands).toContain('npm ci');
    expect(buildSpec.phases.build.commands).toEqual(BUILD_COMMANDS);
  });

  it('updates itself before deploying anything (self-mutation)', () => {
    const [update] = stageNamed('UpdatePipeline').Actions;
    expect(update.Name).toBe('SelfMutate');
    expect(projectOf(update).Properties.Source.BuildSpec).toContain('cdk -a . deploy TriviaLive-pipeline');
  });

  it('deploys beta as TriviaLive-beta, then runs the canary and a smoke show of bots against it', () => {
    const actions = inOrder(stageNamed('Beta'));
    const deploys = actions.filter((a) => a.ActionTypeId.Provider === 'CloudFormation');
    expect(deploys.map((a) => a.Configuration?.StackName)).toEqual(['TriviaLiveEdge-beta', 'TriviaLiveEdge-beta', 'TriviaLive-beta', 'TriviaLive-beta']); // edge, then main: prepare, deploy
    const checks = actions.at(-1)!;
    expect(checks.Name).toBe('CanaryAndSmoke');
    expect(checks.RunOrder).toBeGreaterThan(Math.max(...deploys.map((a) => a.RunOrder ?? 1)));
    const spec = projectOf(checks).Properties.Source.BuildSpec;
    expect(spec).toContain(`npm run canary -- --stack TriviaLive-beta --secret ${canarySecretName('beta')}`);
    expect(spec).toContain(`--secret-id ${smokeSecretName('beta')}`);
    expect(spec).toContain('npx trivia simulate');
    // The smoke show's producer is an admin, and admins must have TOTP: the CLI answers the challenge from the secret.
    expect(spec).toMatch(/TRIVIA_TOTP_SECRET=\$\(node -p 'require\(\\"\.\/smoke\.json\\"\)\.admin\.totp_secret'\)/);
    // The stage's outputs reach the checks as variables.
    const variables = JSON.stringify(checks.Configuration?.EnvironmentVariables);
    for (const name of ['API_URL', 'USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'COGNITO_ENDPOINT']) expect(variables).toContain(name);
  });

  it('asks a person before prod, and deploys prod as TriviaLive-prod only after the approval', () => {
    const actions = inOrder(stageNamed('Prod'));
    expect(actions[0]).toMatchObject({ Name: 'PromoteToProd', ActionTypeId: { Category: 'Approval', Provider: 'Manual' } });
    const deploys = actions.filter((a) => a.ActionTypeId.Provider === 'CloudFormation');
    expect(deploys.map((a) => a.Configuration?.StackName)).toEqual(['TriviaLiveEdge-prod', 'TriviaLiveEdge-prod', 'TriviaLive-prod', 'TriviaLive-prod']);
    for (const d of deploys) expect(d.RunOrder).toBeGreaterThan(actions[0].RunOrder ?? 1);
  });

  it('deploys the same stack as a single-stage deploy, with gradual deploys in both stages', () => {
    expect(stack.stages.beta.stack.stackName).toBe('TriviaLive-beta');
    expect(stack.stages.prod.stack.stackName).toBe('TriviaLive-prod');
    for (const s of [stack.stages.beta.stack, stack.stages.prod.stack]) {
      const groups = Template.fromStack(s).findResources('AWS::CodeDeploy::DeploymentGroup');
      for (const g of Object.values(groups) as { Properties: { DeploymentConfigName: unknown } }[]) {
        expect(JSON.stringify(g.Properties.DeploymentConfigName)).toContain('LambdaCanary10Percent5Minutes');
      }
    }
  });

  it('deploys in each stage both stacks of a single-stage deploy: the edge stack (WAF, us-east-1) first, the main stack depending on it', () => {
    for (const name of PIPELINE_STAGES) {
      const { stack: main, edge } = stack.stages[name];
      expect(edge.stackName).toBe(`TriviaLiveEdge-${name}`);
      expect(edge.region).toBe(EDGE_REGION);
      expect(main.region).toBe(env.region);
      expect(main.dependencies).toContain(edge);
      // The distribution is protected by the stage's own web ACL, handed over across Regions.
      const [distribution] = Object.values(Template.fromStack(main).findResources('AWS::CloudFront::Distribution')) as { Properties: { DistributionConfig: { WebACLId?: unknown } } }[];
      expect(distribution.Properties.DistributionConfig.WebACLId).toBeDefined();
      Template.fromStack(edge).hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    }
  });

  it('may read only the two secrets of the beta checks', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } }[];
    const reads = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s) => JSON.stringify(s.Action).includes('secretsmanager'));
    expect(reads).toHaveLength(1);
    const resources = JSON.stringify(reads[0].Resource);
    expect(resources).toContain(`secret:${canarySecretName('beta')}-??????`);
    expect(resources).toContain(`secret:${smokeSecretName('beta')}-??????`);
  });
});

describe('cdk-nag over the pipeline', () => {
  it('finds nothing unacknowledged in the pipeline stack', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0]?.constructPath}`)).toEqual([]);
  }, 120_000);

  it('finds nothing unacknowledged in the support stack of the us-east-1 deploys (its artifact replica)', () => {
    const supports = Object.values(stack.pipeline.pipeline.crossRegionSupport).filter((s) => s.stack !== stack);
    expect(supports.map((s) => s.stack.region)).toEqual([EDGE_REGION]);
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(supports[0].stack);
    expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0]?.constructPath}`)).toEqual([]);
  });

  it("finds nothing unacknowledged in the stages' edge stacks (their main stacks are the single-stage deploy's, checked by nag.test.ts)", () => {
    for (const name of PIPELINE_STAGES) {
      const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack.stages[name].edge);
      expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources[0]?.constructPath}`)).toEqual([]);
    }
  });
});
