/** Data protection and audit (lib/constructs/dataProtection.ts) and gradual deploys (lib/constructs/deployments.ts). */
import { NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDITED_TABLES, BACKUP_RETENTION_DAYS, TABLE_RETENTION, TRAIL_RETENTION_DAYS } from '../../lib/constructs/dataProtection.ts';
import type { TriviaStack } from '../../lib/triviaStack.ts';
import { functions as functionSpecs, tables as tableSpecs, type FunctionId } from '../../lib/wiring.ts';
import { type TableId } from '../../lambda/shared/resources.ts';
import { asArray, logicalId, refsIn, type CfnResourceJson } from './synth.ts';
import { synthStack, synthTestAndProd } from './synth.ts';

const { stack, template, prodStack, prodTemplate } = synthTestAndProd();

const resource = (t: Template, id: string) => t.toJSON().Resources[id] as CfnResourceJson;
const keyArn = (s: TriviaStack) => ({ 'Fn::GetAtt': [logicalId(s.playerDataKey.key), 'Arn'] });
const tableIds = Object.keys(tableSpecs) as TableId[];
const functionIds = Object.keys(functionSpecs) as FunctionId[];

describe('the player-data key', () => {
  it('is customer-managed and rotated every year; kept in prod', () => {
    expect(resource(template, logicalId(stack.playerDataKey.key)).Properties).toMatchObject({ EnableKeyRotation: true, RotationPeriodInDays: 365 });
    expect(resource(prodTemplate, logicalId(prodStack.playerDataKey.key)).DeletionPolicy).toBe('Retain');
  });

  it.each(tableIds)('encrypts the %s table', (t) => {
    expect(resource(template, logicalId(stack.tables[t])).Properties.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: keyArn(stack),
    });
  });

  it('encrypts the answers queue and its dead-letter queue (user ids and answers)', () => {
    for (const q of [stack.queues.answers, stack.dlqs.answers]) expect(resource(template, logicalId(q)).Properties.KmsMasterKeyId).toEqual(keyArn(stack));
  });

  it('encrypts the domain-events archive (user ids), the backup vault and the trail', () => {
    const encryption = resource(template, logicalId(stack.analytics.bucket)).Properties.BucketEncryption as { ServerSideEncryptionConfiguration: unknown[] };
    expect(encryption.ServerSideEncryptionConfiguration[0]).toMatchObject({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn(stack) } });
    expect(resource(template, logicalId(stack.dataProtection.backupVault)).Properties.EncryptionKeyArn).toEqual(keyArn(stack));
    expect(resource(template, logicalId(stack.dataProtection.trail)).Properties.KMSKeyId).toEqual(keyArn(stack));
  });

  it('lets CloudTrail encrypt log files with it', () => {
    const policy = resource(template, logicalId(stack.playerDataKey.key)).Properties.KeyPolicy as { Statement: { Principal?: { Service?: string }; Action: string | string[] }[] };
    const forTrail = policy.Statement.filter((s) => s.Principal?.Service === 'cloudtrail.amazonaws.com').flatMap((s) => asArray(s.Action));
    expect(forTrail).toEqual(expect.arrayContaining(['kms:GenerateDataKey*', 'kms:DescribeKey']));
  });
});

describe('backups', () => {
  const plan = (t: Template, s: TriviaStack) =>
    resource(t, logicalId(s.dataProtection.backupPlan)).Properties.BackupPlan as { BackupPlanRule: Record<string, unknown>[] };

  it('backs up every table of the wiring, with a role that may also restore', () => {
    const selection = Object.values(template.findResources('AWS::Backup::BackupSelection'))[0] as CfnResourceJson;
    const resources = (selection.Properties.BackupSelection as { Resources: unknown[] }).Resources;
    const selected = refsIn(resources).map((r) => r.id).sort();
    expect(selected).toEqual(tableIds.map((t) => logicalId(stack.tables[t])).sort());
    const roleId = refsIn((selection.Properties.BackupSelection as { IamRoleArn: unknown }).IamRoleArn)[0].id;
    expect(JSON.stringify(resource(template, roleId).Properties.ManagedPolicyArns)).toContain('AWSBackupServiceRolePolicyForRestores');
  });

  it('keeps daily recovery points 35 days, and monthly ones a year in prod', () => {
    expect(plan(template, stack).BackupPlanRule).toEqual([
      expect.objectContaining({ RuleName: 'Daily', ScheduleExpression: 'cron(0 4 * * ? *)', Lifecycle: { DeleteAfterDays: BACKUP_RETENTION_DAYS.daily } }),
    ]);
    expect(plan(prodTemplate, prodStack).BackupPlanRule).toEqual([
      expect.objectContaining({ RuleName: 'Daily' }),
      expect.objectContaining({ RuleName: 'Monthly', Lifecycle: { DeleteAfterDays: BACKUP_RETENTION_DAYS.monthly, MoveToColdStorageAfterDays: 30 } }),
    ]);
  });

  it('retains the vault in every stage (a vault with recovery points cannot be deleted)', () => {
    expect(resource(template, logicalId(stack.dataProtection.backupVault)).DeletionPolicy).toBe('Retain');
    expect(resource(prodTemplate, logicalId(prodStack.dataProtection.backupVault)).DeletionPolicy).toBe('Retain');
  });
});

describe('the audit trail', () => {
  const trail = () => resource(template, logicalId(stack.dataProtection.trail)).Properties;

  it('logs management events in every region, with file validation, and data events on the users and participants tables only', () => {
    expect(AUDITED_TABLES).toEqual(['users', 'participants']);
    const t = trail();
    expect(t).toMatchObject({ IsLogging: true, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, EnableLogFileValidation: true });
    expect(t.EventSelectors).toBeUndefined();
    const selectors = t.AdvancedEventSelectors as { FieldSelectors: { Field: string; Equals: unknown[] }[] }[];
    expect(selectors[0].FieldSelectors).toEqual([{ Field: 'eventCategory', Equals: ['Management'] }]);
    const data = Object.fromEntries(selectors[1].FieldSelectors.map((f) => [f.Field, f.Equals]));
    expect(data.eventCategory).toEqual(['Data']);
    expect(data['resources.type']).toEqual(['AWS::DynamoDB::Table']);
    expect(data['resources.ARN']).toEqual(AUDITED_TABLES.map((id) => ({ 'Fn::GetAtt': [logicalId(stack.tables[id]), 'Arn'] })));
  });

  it('writes to a retained, versioned, KMS-encrypted bucket that takes TLS only and logs access', () => {
    expect(refsIn(trail().S3BucketName)).toEqual([{ id: logicalId(stack.dataProtection.trailBucket) }]);
    const b = resource(template, logicalId(stack.dataProtection.trailBucket));
    expect(b.DeletionPolicy).toBe('Retain');
    expect(b.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn(stack) } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.media.logBucket) }, LogFilePrefix: 's3/trail/' },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack.dataProtection.trailBucket) },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it(`keeps log files ${TRAIL_RETENTION_DAYS.prod} days in prod and ${TRAIL_RETENTION_DAYS.other} elsewhere`, () => {
    const rules = (t: Template, s: TriviaStack) =>
      (resource(t, logicalId(s.dataProtection.trailBucket)).Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules(template, stack)[0]).toMatchObject({ ExpirationInDays: TRAIL_RETENTION_DAYS.other });
    expect(rules(prodTemplate, prodStack)[0]).toMatchObject({ ExpirationInDays: TRAIL_RETENTION_DAYS.prod });
  });
});

describe('retention', () => {
  it('is written down for every table, and names the TTL attribute exactly where the wiring has one', () => {
    expect(Object.keys(TABLE_RETENTION).sort()).toEqual([...tableIds].sort());
    for (const t of tableIds) expect(TABLE_RETENTION[t].ttl, t).toBe(tableSpecs[t].timeToLiveAttribute);
  });
});

describe('gradual deploys', () => {
  // The deployment groups and their gates live in a nested stack of their own (CloudFormation's 500 resources a stack).
  const nested = (s: TriviaStack) => Template.fromStack(Stack.of(s.deployments) as NestedStack);
  const group = (_t: Template, s: TriviaStack, id: FunctionId) => resource(nested(s), logicalId(s.deployments.groups[id])).Properties;
  /** The main stack's value for a parameter of the nested stack (what a `{Ref: param}` inside it stands for). */
  const passedIn = (ref: unknown) => {
    const param = (ref as { Ref?: string }).Ref ?? '';
    const stacks = Object.values(template.findResources('AWS::CloudFormation::Stack')) as { Properties: { Parameters?: Record<string, unknown> } }[];
    return stacks.map((n) => n.Properties.Parameters?.[param]).find((v) => v !== undefined) ?? ref;
  };
  let deploys: Template;
  beforeAll(() => {
    deploys = nested(stack);
  });

  it.each(functionIds)('%s: every trigger invokes the live alias, which CodeDeploy moves', (id) => {
    const aliasId = logicalId(stack.functions[id].alias);
    const alias = resource(template, aliasId).Properties;
    expect(alias.Name).toBe('live');
    expect(refsIn(alias.FunctionName)).toEqual([{ id: logicalId(stack.functions[id].fn) }]);
    // A Lambda permission or event source mapping on the bare function would bypass the alias, and the deploy's canary.
    for (const type of ['AWS::Lambda::Permission', 'AWS::Lambda::EventSourceMapping']) {
      for (const r of Object.values(template.findResources(type)) as CfnResourceJson[]) {
        expect(refsIn(r.Properties.FunctionName).map((x) => x.id)).not.toContain(logicalId(stack.functions[id].fn));
      }
    }
    expect(resource(template, aliasId).UpdateReplacePolicy ?? 'Delete').toBe('Delete');
    const g = group(template, stack, id);
    expect(g.AutoRollbackConfiguration).toEqual({ Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'] });
    // The alias's update policy names its group through the nested stack's output, and waits for the nested stack.
    const aliasJson = resource(template, aliasId) as CfnResourceJson & { UpdatePolicy?: { CodeDeployLambdaAliasUpdate: Record<string, { 'Fn::GetAtt': [string, string] }> }; DependsOn?: string[] };
    const update = aliasJson.UpdatePolicy!.CodeDeployLambdaAliasUpdate;
    const [nestedId, attribute] = update.DeploymentGroupName['Fn::GetAtt'];
    expect(aliasJson.DependsOn).toContain(nestedId);
    const outputs = deploys.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs[attribute.replace(/^Outputs\./, '')].Value).toEqual({ Ref: logicalId(stack.deployments.groups[id]) });
    expect(outputs[update.ApplicationName['Fn::GetAtt'][1].replace(/^Outputs\./, '')].Value).toEqual({ Ref: logicalId(stack.deployments.application) });
  });

  it('shifts 10 % for 5 minutes first in prod (and beta), all at once elsewhere', () => {
    expect(JSON.stringify(group(prodTemplate, prodStack, 'submitResponse').DeploymentConfigName)).toContain('LambdaCanary10Percent5Minutes');
    expect(JSON.stringify(group(template, stack, 'submitResponse').DeploymentConfigName)).toContain('LambdaAllAtOnce');
    const { stack: beta, template: betaTemplate } = synthStack('beta');
    expect(JSON.stringify(group(betaTemplate, beta, 'submitResponse').DeploymentConfigName)).toContain('LambdaCanary10Percent5Minutes');
  }, 60_000);

  it("rolls back on the stage's alarms (5xx rate, runner errors, every dead-letter queue) and on the function's own errors", () => {
    // The stage's alarms are the main stack's (passed in as parameters); each group's own gate is in the nested stack.
    const alarmRef = (a: { node: unknown } | undefined) => ({ Ref: logicalId(a as never) });
    const m = stack.monitoring.alarms;
    for (const id of functionIds) {
      const raw = (group(template, stack, id).AlarmConfiguration as { Alarms: { Name: unknown }[]; Enabled: boolean }).Alarms;
      const alarms = raw.map((a) => passedIn(a.Name));
      expect(alarms).toEqual(
        expect.arrayContaining([
          alarmRef(m.api5xxRate),
          alarmRef(m.runnerErrors),
          alarmRef(m['deadLetters-answers']),
          alarmRef(m['deadLetters-runnerTicks']),
          alarmRef(m['deadLetters-streams']),
          alarmRef(stack.deployments.errorAlarms[id]),
        ]),
      );
      expect(alarms.length).toBeLessThanOrEqual(10); // CodeDeploy's limit per deployment group
    }
    // The function's own errors: a metric-math alarm summing the Errors of its group's live aliases.
    const own = resource(deploys, logicalId(stack.deployments.errorAlarms.recordAnswers)).Properties;
    expect(own).toMatchObject({ Threshold: 3, EvaluationPeriods: 1 });
    const metrics = own.Metrics as { Expression?: string; MetricStat?: { Metric: { MetricName: string; Dimensions: unknown[] } } }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('SUM(METRICS())');
    const dims = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat!.Metric);
    expect(dims.length).toBeLessThanOrEqual(10);
    expect(dims.every((m) => m.MetricName === 'Errors')).toBe(true);
    // Each metric is a function's live alias (`<function name>:live`; the name comes in as a parameter).
    const aliasesOf = dims.map((m) => {
      const resourceDim = (m.Dimensions as { Name: string; Value: { 'Fn::Join': [string, [unknown, string]] } }[]).find((d) => d.Name === 'Resource');
      const [fnRef, suffix] = resourceDim!.Value['Fn::Join'][1];
      return { fn: passedIn(fnRef), suffix };
    });
    expect(aliasesOf).toContainEqual({ fn: { Ref: logicalId(stack.functions.recordAnswers.fn) }, suffix: ':live' });
    // Every function is covered by exactly one of them.
    expect(new Set(functionIds.map((id) => stack.deployments.errorAlarms[id])).size).toBe(Math.ceil(functionIds.length / 10));
  });

  it('keeps every event source mapping where it was (under the function): a new stream mapping would count a day of answers twice', () => {
    for (const fn of Object.values(stack.functions)) {
      const mappings = fn.fn.node.children.filter((c) => c.node.id.match(/^(SqsEventSource|DynamoDBEventSource):/));
      const expected = fn.spec.triggers.filter((t) => t.kind === 'stream' || t.kind === 'queue').length;
      expect(mappings.length, fn.functionId).toBe(expected);
    }
  });
});

describe('erasure (DELETE /api/v1/user/me)', () => {
  const policies = () =>
    Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { Roles: unknown; PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } } }[];

  it('is deleteMe, the only function of the wiring with a Cognito permission: AdminDeleteUser on the stack user pool alone', () => {
    // (The admin MFA gate's trigger, lib/constructs/adminMfa.ts, is not a wiring function and is tested in edge.test.ts.)
    const wiringRoles = new Set(functionIds.map((id) => logicalId(stack.functions[id].role)));
    const cognito = policies()
      .flatMap((p) =>
        p.Properties.PolicyDocument.Statement.filter((s) => asArray(s.Action).some((a) => a.startsWith('cognito-idp:'))).map((s) => ({ roles: refsIn(p.Properties.Roles), s })),
      )
      .filter((c) => c.roles.some((r) => wiringRoles.has(r.id)));
    expect(cognito).toHaveLength(1);
    expect(cognito[0].roles).toEqual([{ id: logicalId(stack.functions.deleteMe.role) }]);
    expect(cognito[0].s.Action).toBe('cognito-idp:AdminDeleteUser');
    expect(cognito[0].s.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack.userPool), 'Arn'] });
    const fn = resource(template, logicalId(stack.functions.deleteMe.fn)).Properties as { Environment: { Variables: Record<string, unknown> } };
    expect(fn.Environment.Variables.USER_POOL_ID).toEqual({ Ref: logicalId(stack.userPool) });
  });
});
