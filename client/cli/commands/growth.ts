/** `trivia growth`: the funnel by day and sign-ups by campaign of a date range (default: the last 7 days). */
import { notYet, out, signedIn, target, type Ctx } from '../context.ts';
import { renderAttribution, renderFunnel } from '../render.ts';

export async function growth(ctx: Ctx) {
  const client = await signedIn(ctx, target(ctx));
  const range = { ...(ctx.values.from ? { from: ctx.values.from } : {}), ...(ctx.values.to ? { to: ctx.values.to } : {}) };
  const [funnel, attribution] = await notYet('trivia growth', 'GET /api/v1/growth/funnel', () => Promise.all([client.funnel(range), client.attribution(range)]));
  if (ctx.json) return out(ctx, '', { funnel, attribution });
  out(ctx, `${renderFunnel(funnel)}\n\n${renderAttribution(attribution)}`);
}
