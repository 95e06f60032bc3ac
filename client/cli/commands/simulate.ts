/** `trivia simulate`: bots register and play a live show through the API, drawn live, then the report. */
import type { EpisodeViewOut, StatisticsOut } from '../../../lambda/domain/contract.ts';
import { readBotsFile } from '../../bots.ts';
import { simulate, type SimulationEvent } from '../../simulate.ts';
import { CliError, UsageError, number, out, screenOf, signedIn, target, type Ctx } from '../context.ts';
import { formatReport, liveView, plain, progressLine, type Progress } from '../render.ts';

const PROGRESS_LABELS = { bots: 'creating bots', 'sign-in': 'signing in', register: 'registering', answers: 'answers sent' } as const;

export async function runSimulation(ctx: Ctx) {
  const v = ctx.values;
  const players = number(v.players, 'players', (n) => Number.isInteger(n) && n >= 1 && n <= 100_000);
  const accuracy = number(v.accuracy, 'accuracy', (n) => n >= 0 && n <= 1);
  if (players === undefined || accuracy === undefined) throw new UsageError('simulate needs --players N and --accuracy P (0…1)');
  const t = target(ctx);
  const bots = v.bots ? readBotsFile(v.bots) : undefined;
  if (!t.local && !bots) {
    throw new CliError(`${t.stackName} is a deployed stack: the CLI creates bot users only on a local stack; pass --bots FILE ([{"email","password"}, …] of existing users)`);
  }
  const admin = await signedIn(ctx, t);
  const view = liveView(screenOf(ctx));
  const showView = !v['no-view'];
  let last: { view?: EpisodeViewOut; serverNow: number; statistics?: StatisticsOut; progress?: Progress } = { serverNow: 0 };
  const redraw = () => last.view && showView && view.frame(last.view, last.serverNow, last.statistics, last.progress);
  let lastProgressAt = 0;
  const onEvent = (e: SimulationEvent) => {
    if (ctx.json) return;
    switch (e.kind) {
      case 'phase':
        if (e.phase === 'report') view.release();
        else if (e.phase !== 'play') view.note(ctx.style.dim(`· ${e.message}`));
        last.progress = undefined;
        break;
      case 'progress': {
        last.progress = { label: PROGRESS_LABELS[e.phase], done: e.done, total: e.total, ...(e.failed ? { failed: e.failed } : {}) };
        if (e.phase !== 'answers') {
          const now = Date.now();
          if (ctx.tty && (now - lastProgressAt > 100 || e.done === e.total)) {
            ctx.io.stdout.write(`\r${progressLine(last.progress, ctx.style)}${e.done === e.total ? '\n' : ''}`);
            lastProgressAt = now;
          } else if (!ctx.tty && e.done === e.total) ctx.io.stdout.write(`${progressLine(last.progress, plain)}\n`);
          return;
        }
        redraw();
        break;
      }
      case 'episode':
        last = { ...last, view: e.view, serverNow: e.serverNow };
        redraw();
        break;
      case 'statistics':
        last.statistics = e.statistics;
        redraw();
        break;
    }
  };
  const result = await simulate({
    target: t,
    admin,
    players,
    accuracy,
    ...(v.questions !== undefined ? { questions: number(v.questions, 'questions', (n) => Number.isInteger(n) && n >= 1 && n <= 100) } : {}),
    ...(v.game ? { gameId: v.game } : {}),
    timings: {
      ...(v.window !== undefined ? { answer_window_seconds: number(v.window, 'window') } : {}),
      ...(v.reveal !== undefined ? { reveal_seconds: number(v.reveal, 'reveal') } : {}),
      ...(v.lead !== undefined ? { lead_seconds: number(v.lead, 'lead') } : {}),
    },
    ...(bots ? { bots } : {}),
    onEvent,
  });
  const episodeWinners = result.state === 'ENDED' ? result.report.episode.remaining_count : undefined;
  if (episodeWinners !== undefined && episodeWinners !== result.winners) {
    ctx.io.stderr.write(`warning: the episode ended with ${episodeWinners} player(s) remaining, but the report counts ${result.winners} winner(s)\n`);
  }
  if (ctx.json) {
    ctx.io.stdout.write(`${JSON.stringify({ episode_id: result.episode_id, players: result.players, winners: result.winners, questions: result.questions })}\n`);
    return;
  }
  view.release();
  out(ctx, `\n${formatReport(result.report, ctx.style)}`);
}
