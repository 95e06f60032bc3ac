/** `trivia login`: signs in (password or SRP) and saves the session for the stack. */
import { jwtClaims, type SignInFlow } from '../../auth.ts';
import { DEMO_ADMIN, UsageError, newAuth, out, prompt, reachable, target, type Ctx } from '../context.ts';
import { loginLine } from '../render.ts';
import { saveSession, sessionFile } from '../session.ts';

export async function login(ctx: Ctx) {
  const t = target(ctx);
  await reachable(t);
  const { env } = ctx.io;
  const email = ctx.values.user ?? env.TRIVIA_USER ?? (t.local ? DEMO_ADMIN.email : undefined);
  if (!email) throw new UsageError('login needs --user EMAIL');
  const password =
    ctx.values.password ?? env.TRIVIA_PASSWORD ?? (t.local && email === DEMO_ADMIN.email ? DEMO_ADMIN.password : await prompt(`Password for ${email}: `, ctx.io));
  const flow: SignInFlow = ctx.values.srp ? 'srp' : 'password';
  const auth = newAuth(t, flow, ctx);
  const tokens = await auth.signIn(email, password);
  const file = sessionFile(env);
  saveSession(t, { email, tokens, savedAt: Date.now() }, file);
  const claims = jwtClaims(tokens.idToken);
  const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : [];
  out(ctx, loginLine({ stack: t.stackName, email, groups, srp: flow === 'srp', file }), {
    stack: t.stackName,
    email,
    sub: claims.sub,
    groups,
    expires_at: tokens.expiresAt,
    session_file: file,
  });
}
