/** `trivia play EPISODE`: joins a show and plays it from the keyboard (client/cli/play.ts); resolves to the exit code. */
import { CliError, UsageError, signedIn, target, type Ctx } from '../context.ts';
import { play, terminalKeyboard } from '../play.ts';

export async function playCommand(ctx: Ctx, episodeId: string | undefined): Promise<number> {
  if (!episodeId) throw new UsageError('play EPISODE');
  if (!ctx.io.stdin) throw new CliError('play needs a keyboard (a terminal on standard input)');
  const client = await signedIn(ctx, target(ctx));
  const stdout = ctx.io.stdout;
  return await play(client, episodeId, {
    write: (text) => void stdout.write(text),
    keyboard: terminalKeyboard(ctx.io.stdin),
    tty: ctx.tty,
    width: (stdout as { columns?: number }).columns ?? 80,
    style: ctx.style,
  });
}
