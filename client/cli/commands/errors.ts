/** `trivia errors`: recorded rejections and dead letters (GET /api/v1/errors), newest first. */
import { notYet, number, out, signedIn, target, type Ctx } from '../context.ts';
import { errorLine, errorsHeadline } from '../render.ts';

/** What GET /api/v1/errors returns when no limit is asked for. */
const DEFAULT_ERRORS_LIMIT = 100;

export async function errorsCommand(ctx: Ctx) {
  const client = await signedIn(ctx, target(ctx));
  const v = ctx.values;
  const limit = number(v.limit, 'limit', (n) => Number.isInteger(n) && n >= 1);
  const page = await notYet('trivia errors', 'GET /api/v1/errors', () =>
    client.errors({ ...(limit ? { limit } : {}), ...(v.reason ? { reason: v.reason } : {}), ...(v.episode ? { episode_id: v.episode } : {}), ...(v.since ? { from: v.since } : {}) }),
  );
  if (ctx.json) return out(ctx, '', page);
  out(ctx, ctx.style.dim(errorsHeadline(page, limit ?? DEFAULT_ERRORS_LIMIT)));
  for (const e of page.items) out(ctx, errorLine(e));
}
