/**
 * `trivia watch EPISODE`: follows the show on its live channel (polling the snapshot only when the channel cannot be
 * reached, and saying so), redraws the countdown between events on a terminal, and exits with a summary at the end.
 */
import type { EpisodeViewOut, StatisticsOut } from '../../../lambda/domain/contract.ts';
import { ApiError } from '../../errors.ts';
import type { WatchStatus } from '../../watch.ts';
import { UsageError, out, screenOf, signedIn, target, type Ctx } from '../context.ts';
import { liveView, showOverLine } from '../render.ts';

export async function watch(ctx: Ctx, args: string[]) {
  const id = args[0];
  if (!id) throw new UsageError('watch EPISODE');
  const client = await signedIn(ctx, target(ctx));
  await client.syncClock(3);
  const view = liveView(screenOf(ctx));
  let latest: { episode: EpisodeViewOut; statistics?: StatisticsOut } | undefined;
  const redraw = () => latest && view.frame(latest.episode, client.serverNow(), latest.statistics);
  const ticker = ctx.tty && !ctx.json ? setInterval(redraw, 200) : undefined;
  const stop = new AbortController();
  try {
    const onStatus = (status: WatchStatus, detail?: string) => {
      // On stderr, so that a pipe of the view (or of --json) stays clean.
      if (status === 'polling' || status === 'reconnecting') ctx.io.stderr.write(`live channel: ${status}${detail ? ` (${detail})` : ''}\n`);
    };
    for await (const item of client.watch(id, { signal: stop.signal, onStatus })) {
      const index = item.episode.current_question_index;
      let statistics = item.statistics ?? (latest?.statistics?.question_index === index ? latest.statistics : undefined);
      // Joining after the results (a snapshot of an ended show, say): the last question's statistics from the API.
      if (!statistics && item.type === 'snapshot' && index >= 0 && (item.episode.state === 'ENDED' || item.episode.state === 'QUESTION_RESULTS')) {
        statistics = await client.getStatistics(id, index).catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 409) return undefined;
          throw err;
        });
      }
      latest = { episode: item.episode, ...(statistics ? { statistics } : {}) };
      if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ type: item.type, seq: item.seq, episode: item.episode, statistics: statistics ?? null })}\n`);
      else redraw();
      if (ctx.values.once) stop.abort();
    }
  } finally {
    if (ticker) clearInterval(ticker);
  }
  if (!ctx.json && latest && (latest.episode.state === 'ENDED' || latest.episode.state === 'CANCELLED')) {
    view.release();
    out(ctx, showOverLine(latest.episode));
  }
}
