/**
 * The admin MFA gate (lambda/domain/adminMfa.ts): a pre token generation trigger on the user pool that keeps the
 * `admin` group out of the tokens of admins without TOTP. The handlers' admin check (`cognito:groups`) is unchanged.
 */
import { Stack } from 'aws-cdk-lib';
import { UserPoolOperation, type UserPool } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../wiring.ts';
import { TriviaFunction } from './functions.ts';

export const adminMfaTriggerFunction: FunctionSpec = {
  entry: 'lambda/cognito/preTokenGeneration.ts',
  description: 'Pre token generation: the admin group only in the tokens of admins with TOTP',
  memorySize: 256,
  timeoutSeconds: 5,
  triggers: [],
};

export class AdminMfaGate extends Construct {
  readonly trigger: TriviaFunction<'adminMfaTrigger'>;

  constructor(scope: Construct, id: string, props: { readonly stage: string; readonly userPool: UserPool }) {
    super(scope, id);
    this.trigger = new TriviaFunction(this, 'Trigger', { functionId: 'adminMfaTrigger', spec: adminMfaTriggerFunction, stage: props.stage });
    // The pool ARN cannot be named here: the pool refers to the trigger, so the trigger's policy referring to the pool
    // would be a cycle. Any pool of this account and Region, AdminGetUser alone.
    this.trigger.role.addToPolicy(
      new PolicyStatement({
        actions: ['cognito-idp:AdminGetUser'],
        resources: [Stack.of(this).formatArn({ service: 'cognito-idp', resource: 'userpool', resourceName: '*' })],
      }),
    );
    props.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION, this.trigger.fn);
  }
}
