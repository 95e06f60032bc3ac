/** Cognito: players sign up with their email; producers are in the `admin` group, the canary's user in `canary`. */
import { Duration } from 'aws-cdk-lib';
import { AccountRecovery, CfnUserPoolGroup, FeaturePlan, Mfa, StandardThreatProtectionMode, UserPool, UserPoolClient, UserPoolEmail } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { contextFlag, contextReader, contextString } from '../cdkContext.ts';

export { ADMIN_GROUP } from '../../lambda/domain/adminMfa.ts';
import { ADMIN_GROUP } from '../../lambda/domain/adminMfa.ts';
import { CANARY_GROUP } from '../../lambda/domain/canaryScope.ts';
import { isProd, removalPolicyFor } from './support.ts';

export interface AuthProps {
  readonly stage: string;
}

export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly adminGroup: CfnUserPoolGroup;
  readonly canaryGroup: CfnUserPoolGroup;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    const prod = isProd(props.stage);
    // Context flags (docs/SECURITY.md): `threatProtection=true` turns on Cognito threat protection (the Plus feature
    // plan, billed per monthly active user: compromised credentials and adaptive authentication, enforced);
    // `sesFromEmail=<verified address>` (with `sesRegion`) sends the pool's mail through SES instead of Cognito's
    // default sender, which is limited to 50 emails a day.
    const context = contextReader(this.node);
    const threatProtection = contextFlag(context, 'threatProtection') ?? false;
    const sesFromEmail = contextString(context, 'sesFromEmail');
    const sesRegion = contextString(context, 'sesRegion');

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 8,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Players may add an authenticator app; it is not forced on them. Admins must (lib/constructs/adminMfa.ts).
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      ...(threatProtection ? { featurePlan: FeaturePlan.PLUS, standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      ...(sesFromEmail ? { email: UserPoolEmail.withSES({ fromEmail: sesFromEmail, fromName: 'Trivia Live', ...(sesRegion ? { sesRegion } : {}) }) } : {}),
      deletionProtection: prod,
      removalPolicy: removalPolicyFor(props.stage),
    });

    this.userPoolClient = this.userPool.addClient('Client', {
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      preventUserExistenceErrors: true,
      // Clients sign in through the API (InitiateAuth), not the hosted UI.
      disableOAuth: true,
    });

    this.adminGroup = new CfnUserPoolGroup(this, 'AdminGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: ADMIN_GROUP,
      description: 'Producers: create questions, games and episodes; read reports',
    });

    // The canary's group: password-only sign-in (from its secret), so not admin; its few rights: lambda/domain/canaryScope.ts.
    this.canaryGroup = new CfnUserPoolGroup(this, 'CanaryGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: CANARY_GROUP,
      description: 'The canary: creates only its own question, game and canary episodes, then plays them',
    });
  }
}
