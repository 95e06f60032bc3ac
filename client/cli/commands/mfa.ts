/** `trivia mfa setup` and `trivia mfa verify`: TOTP enrolment of the signed-in user, the first step of every admin. */
import { jwtClaims, sdkCognitoClient } from '../../auth.ts';
import { associateTotp, enableTotp, otpauthUri } from '../../mfa.ts';
import { UsageError, out, signedInAuth, target, totpFrom, type Ctx } from '../context.ts';
import { mfaEnabledLine, mfaSetupLines } from '../render.ts';

export async function mfa(ctx: Ctx, sub: string | undefined) {
  if (sub !== 'setup' && sub !== 'verify') throw new UsageError('mfa setup|verify');
  const t = target(ctx);
  const auth = await signedInAuth(ctx, t);
  const accessToken = await auth.token();
  const email = String(jwtClaims(auth.tokens!.idToken).email ?? jwtClaims(accessToken).username);
  const cognito = sdkCognitoClient({ endpoint: t.outputs.CognitoEndpoint, userPoolId: t.outputs.UserPoolId });
  const enable = async () => {
    await enableTotp(cognito, accessToken, await totpFrom(ctx)(), 'trivia');
    out(ctx, mfaEnabledLine(email), { email, totp: 'enabled' });
  };
  if (sub === 'verify') return enable();
  const secret = await associateTotp(cognito, accessToken);
  const uri = otpauthUri(secret, email, `Trivia Live (${t.stackName})`);
  // Only a person at a terminal can read the secret and type a code now; a script verifies in a second step.
  const interactive = ctx.tty && !!process.stdin.isTTY;
  out(ctx, mfaSetupLines({ secret, uri, verifyNext: !interactive }), { email, secret, otpauth_uri: uri });
  if (interactive) await enable();
}
