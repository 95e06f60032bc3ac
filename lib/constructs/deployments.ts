/**
 * Gradual deploys (issue 15, item 4): every function of the wiring is invoked through its `live` alias
 * (functions.ts), and a CodeDeploy deployment group moves that alias to each new version. In the stages players use
 * (`prod`, and `beta` of the pipeline, where the canary and the smoke test run against it) 10 % of the traffic goes to
 * the new version for 5 minutes first; elsewhere all at once. Any of the stage's alarms, or errors of the function
 * itself, during that time stops the deploy and moves the alias back (CloudFormation then rolls the stack back).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaApplication, LambdaDeploymentConfig, LambdaDeploymentGroup, type ILambdaDeploymentConfig } from 'aws-cdk-lib/aws-codedeploy';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { FunctionId } from '../wiring.ts';
import type { TriviaFunction } from './functions.ts';
import { pascal } from './support.ts';

/** Stages that shift traffic gradually. */
export const CANARY_STAGES = ['prod', 'beta'];

export const deploymentConfigFor = (stage: string): ILambdaDeploymentConfig =>
  CANARY_STAGES.includes(stage) ? LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES : LambdaDeploymentConfig.ALL_AT_ONCE;

/** Functions per deploy-gate error alarm (a metric math alarm may use at most 10 metrics). */
export const ERROR_ALARM_GROUP = 10;

export interface DeploymentsProps {
  readonly stage: string;
  readonly functions: Record<FunctionId, TriviaFunction>;
  /** The stage's alarms (lib/constructs/monitoring.ts) that stop any deploy: 5xx rate, dead letters, runner errors. */
  readonly stageAlarms: IAlarm[];
}

export class Deployments extends Construct {
  readonly application: LambdaApplication;
  /** One service role for every deployment group (CodeDeploy's own managed policy for Lambda, the limited one). */
  readonly role: Role;
  readonly groups = {} as Record<FunctionId, LambdaDeploymentGroup>;
  /**
   * Errors through the live aliases, the alarm of each function's own deploy: one alarm per group of
   * ERROR_ALARM_GROUP functions (their errors summed), not one per function, which keeps the stack within
   * CloudFormation's 500 resources. A deploy moves every alias at once, so a group's alarm covers its functions' deploys.
   */
  readonly errorAlarms = {} as Record<FunctionId, Alarm>;

  constructor(scope: Construct, id: string, props: DeploymentsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.application = new LambdaApplication(this, 'Application');
    const deploymentConfig = deploymentConfigFor(props.stage);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('codedeploy.amazonaws.com'),
      description: 'CodeDeploy moves the live aliases of the Trivia Live functions',
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSCodeDeployRoleForLambdaLimited')],
    });

    const all = Object.values(props.functions);
    for (let g = 0; g * ERROR_ALARM_GROUP < all.length; g++) {
      const members = all.slice(g * ERROR_ALARM_GROUP, (g + 1) * ERROR_ALARM_GROUP);
      // Errors are exceptions and timeouts, never a 4xx (handlers return those): 3 in a minute through the aliases, while
      // a tenth of the calls reach the new versions, is a broken version rather than one unlucky cold start.
      const alarm = new Alarm(this, `Errors${g + 1}`, {
        alarmName: `${stack.stackName}-deploy-errors-${g + 1}`,
        alarmDescription: `${members.map((fn) => fn.functionId).join(', ')} failed 3+ times in a minute through their live aliases: stops and rolls back a deploy in progress`,
        metric: new MathExpression({
          expression: 'SUM(METRICS())',
          usingMetrics: Object.fromEntries(members.map((fn, k) => [`e${k}`, fn.alias.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' })])),
          period: Duration.minutes(1),
          label: 'errors through the live aliases',
        }),
        threshold: 3,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      for (const fn of members) this.errorAlarms[fn.functionId] = alarm;
    }

    for (const fn of all) {
      const name = pascal(fn.functionId);
      this.groups[fn.functionId] = new LambdaDeploymentGroup(this, `${name}Deployment`, {
        application: this.application,
        role: this.role,
        alias: fn.alias,
        deploymentConfig,
        alarms: [...props.stageAlarms, this.errorAlarms[fn.functionId]],
        autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
      });
    }
  }
}
