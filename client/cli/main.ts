/**
 * `trivia`: a thin command line over the typed client (client/). See `trivia --help`. This file parses the command
 * line and dispatches: each command is in client/cli/commands/<command>.ts, everything printed in client/cli/render.ts.
 *
 * Exit codes: 0 success, 1 failure (one line on stderr), 2 usage error.
 */
import { parseArgs } from 'node:util';
import { ApiError, AuthError, ContractError, NetworkError } from '../errors.ts';
import { dlq } from './commands/dlq.ts';
import { episode } from './commands/episode.ts';
import { errorsCommand } from './commands/errors.ts';
import { game } from './commands/game.ts';
import { growth } from './commands/growth.ts';
import { login } from './commands/login.ts';
import { mfa } from './commands/mfa.ts';
import { playCommand } from './commands/play.ts';
import { question } from './commands/question.ts';
import { runSimulation } from './commands/simulate.ts';
import { watch } from './commands/watch.ts';
import { CliError, OPTIONS, UsageError, type Ctx, type Io, type Values } from './context.ts';
import { colors, detailLines, plain } from './render.ts';

export type { Io };

const USAGE = `trivia — command line for Trivia Live

usage: trivia [--outputs FILE] [--stack NAME] [--json] [--no-color] COMMAND

commands:
  login [--user EMAIL] [--password PW] [--srp] [--totp-code CODE]
                                                  sign in (password: --password, $TRIVIA_PASSWORD or a prompt) and save the session
  mfa setup                                       enrol an authenticator app (TOTP): prints its otpauth:// URI and secret
  mfa verify [--totp-code CODE]                   turn TOTP on with a code of that app (admins need it for admin rights)
  question add --question TEXT --option A --option B [--option C] [--option D] --answer INDEX [--id ID]
  question add --file QUESTIONS.json              an array of {id?, question, options, answer}
  question list [--limit N] [--all]
  game create QUESTION_ID... [--title TITLE] [--id ID]
  episode create --game ID [--min N] [--window S] [--reveal S] [--lead S] [--start-at ISO|MS] [--id ID]
  episode show ID | episode report ID | episode cancel ID
  watch EPISODE [--once]                          live view: state, question, countdown (server clock), players, answers
  play EPISODE [--user EMAIL --password PW]       join and play a show: answer each question with a key (A–D or 1–4)
  simulate --players N --accuracy P [--questions Q] [--game ID] [--window S] [--reveal S] [--lead S] [--bots FILE] [--no-view]
                                                  bots register and play a live show through the API
  errors [--reason CODE] [--episode ID] [--since MS|ISO] [--limit N]
                                                  recorded rejections and dead letters (GET /api/v1/errors)
  dlq [status]                                    dead-letter queues and their depth (GET /api/v1/dlq)
  dlq redrive QUEUE                               move a queue's dead letters back (POST /api/v1/dlq/{queue}/redrive)
  growth [--from YYYY-MM-DD] [--to YYYY-MM-DD]    the funnel by day and sign-ups by campaign (default: the last 7 days)

The stack comes from --outputs FILE, $TRIVIA_OUTPUTS, ./cdk-outputs.json or ./cdk-outputs.local.json.
Signed in as: --user/--password, $TRIVIA_USER/$TRIVIA_PASSWORD, the session saved by \`trivia login\`, or, on a
local stack, the demo admin (admin@example.com). An account with TOTP is asked for a code at sign-in:
--totp-code, $TRIVIA_TOTP_CODE, one computed from $TRIVIA_TOTP_SECRET (base32, for scripts), or a prompt. --json prints machine-readable output (simulate: one JSON line).`;

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true }));
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message} (try trivia --help)\n`);
    return 2;
  }
  const [command, sub, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const tty = !!io.stdout.isTTY && !values.json;
  const colorOk = tty && !values['no-color'] && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  const ctx: Ctx = { io, values, json: !!values.json, tty, style: colorOk ? colors : plain };
  try {
    switch (command) {
      case 'login':
        await login(ctx);
        break;
      case 'mfa':
        await mfa(ctx, sub);
        break;
      case 'question':
        await question(ctx, sub);
        break;
      case 'game':
        await game(ctx, sub, rest);
        break;
      case 'episode':
        await episode(ctx, sub, rest);
        break;
      case 'watch':
        await watch(ctx, [sub, ...rest].filter((x): x is string => !!x));
        break;
      case 'play':
        return await playCommand(ctx, sub);
      case 'simulate':
        await runSimulation(ctx);
        break;
      case 'errors':
        await errorsCommand(ctx);
        break;
      case 'dlq':
        await dlq(ctx, sub, rest);
        break;
      case 'growth':
        await growth(ctx);
        break;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
    return 0;
  } catch (err) {
    return report(err, io);
  }
}

function report(err: unknown, io: Io): number {
  if (err instanceof UsageError) {
    io.stderr.write(`error: ${err.message} (try trivia --help)\n`);
    return 2;
  }
  const message =
    err instanceof CliError || err instanceof AuthError || err instanceof ContractError
      ? err.message
      : err instanceof ApiError
        ? `${err.status} ${err.code}: ${err.message}`
        : err instanceof NetworkError
          ? `the stack stopped answering: ${err.message}`
          : `${(err as Error)?.message ?? String(err)}`;
  io.stderr.write(`error: ${message.split('\n')[0]}\n`);
  if (err instanceof ApiError) for (const line of detailLines(err.details)) io.stderr.write(`  ${line}\n`);
  if (io.env.TRIVIA_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return 1;
}
