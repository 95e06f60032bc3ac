/** `trivia game create QUESTION_ID...`: a game from questions of the bank. */
import { UsageError, out, signedIn, target, type Ctx } from '../context.ts';
import { gameLine } from '../render.ts';

export async function game(ctx: Ctx, sub: string | undefined, args: string[]) {
  if (sub !== 'create') throw new UsageError('game create QUESTION_ID...');
  if (args.length === 0) throw new UsageError('game create needs question ids');
  const client = await signedIn(ctx, target(ctx));
  const g = await client.createGame({ qset: args, ...(ctx.values.title ? { title: ctx.values.title } : {}), ...(ctx.values.id ? { id: ctx.values.id } : {}) });
  out(ctx, gameLine(g), g);
}
