/** `trivia episode create|show|report|cancel`. */
import { UsageError, number, out, signedIn, target, type Ctx } from '../context.ts';
import { episodeCreatedLine, episodeStateLine, formatReport, renderEpisode } from '../render.ts';

function startAt(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(n)) throw new UsageError(`--start-at must be epoch ms or an ISO date, not "${raw}"`);
  return n;
}

export async function episode(ctx: Ctx, sub: string | undefined, args: string[]) {
  const client = await signedIn(ctx, target(ctx));
  const v = ctx.values;
  if (sub === 'create') {
    if (!v.game) throw new UsageError('episode create needs --game ID');
    const e = await client.createEpisode({
      game_id: v.game,
      ...(v.id ? { id: v.id } : {}),
      ...(v.min !== undefined ? { min_participant: number(v.min, 'min') } : {}),
      ...(v.window !== undefined ? { answer_window_seconds: number(v.window, 'window') } : {}),
      ...(v.reveal !== undefined ? { reveal_seconds: number(v.reveal, 'reveal') } : {}),
      ...(v.lead !== undefined ? { lead_seconds: number(v.lead, 'lead') } : {}),
      ...(v['start-at'] !== undefined ? { start_at: startAt(v['start-at']) } : {}),
    });
    out(ctx, episodeCreatedLine(e), e);
    return;
  }
  const id = args[0];
  if (!id) throw new UsageError(`episode ${sub ?? 'show'} ID`);
  if (sub === 'show') {
    const e = await client.getEpisode(id);
    out(ctx, renderEpisode(e, { serverNow: client.serverNow(), style: ctx.style }), e);
    return;
  }
  if (sub === 'cancel') {
    const e = await client.cancelEpisode(id);
    out(ctx, episodeStateLine(e), e);
    return;
  }
  if (sub === 'report') {
    const r = await client.getReport(id);
    if (ctx.json) return out(ctx, '', r);
    out(ctx, formatReport(r, ctx.style));
    return;
  }
  throw new UsageError('episode create|show|report|cancel');
}
