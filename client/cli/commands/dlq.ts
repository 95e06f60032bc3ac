/**
 * `trivia dlq [status]` and `trivia dlq redrive QUEUE`: the dead-letter queues through the admin API (GET /api/v1/dlq,
 * POST /api/v1/dlq/{queue}/redrive) on the typed client. The one DLQ command line: `npm run dlq` runs it too.
 */
import { UsageError, notYet, out, signedIn, target, type Ctx } from '../context.ts';
import { deadLetterLine, redriveLine } from '../render.ts';

export async function dlq(ctx: Ctx, sub: string | undefined, args: string[]) {
  if (sub === undefined || sub === 'status') {
    const client = await signedIn(ctx, target(ctx));
    const status = await notYet('trivia dlq status', 'GET /api/v1/dlq', () => client.dlqStatus());
    if (ctx.json) return out(ctx, '', status);
    for (const q of status.queues) out(ctx, deadLetterLine(q));
    return;
  }
  if (sub !== 'redrive') throw new UsageError('dlq [status] | dlq redrive QUEUE');
  const queue = args[0] ?? ctx.values.queue;
  if (!queue) throw new UsageError('dlq redrive needs the queue (see trivia dlq status)');
  const client = await signedIn(ctx, target(ctx));
  const started = await notYet('trivia dlq redrive', 'POST /api/v1/dlq/{queue}/redrive', () => client.redriveDlq(queue));
  out(ctx, redriveLine(started), started);
}
