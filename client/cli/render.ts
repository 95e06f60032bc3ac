/**
 * Everything `trivia` prints, as pure functions to text (so that every state can be unit-tested without a terminal):
 * the live view of an episode (from an episode view, the server clock, the closed question's statistics, a progress
 * line), the report, the growth tables, each command's result lines, and the API's error details.
 */
import type { AttributionOut, EpisodeViewOut, FunnelOut, GameOut, QuestionOut, ReportOut, StatisticsOut } from '../../lambda/domain/contract.ts';
import type { DeadLetterStatus, ErrorRecord, ErrorsPage, RedriveStarted } from '../../lambda/domain/operations.ts';

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
export const colors: Style = { bold: ansi(1, 22), dim: ansi(2, 22), green: ansi(32, 39), red: ansi(31, 39), yellow: ansi(33, 39), cyan: ansi(36, 39) };
const id = (s: string) => s;
export const plain: Style = { bold: id, dim: id, green: id, red: id, yellow: id, cyan: id };

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
export const stripAnsi = (s: string) => s.replace(ANSI, '');

export interface Progress {
  label: string;
  done: number;
  total: number;
  failed?: number;
}

export interface RenderOptions {
  /** The server's clock now (countdowns are drawn from it, never from the local clock). */
  serverNow: number;
  style?: Style;
  /** Statistics of the current question, once it has closed and been counted. */
  statistics?: StatisticsOut;
  progress?: Progress;
  /** Columns available (default 80). */
  width?: number;
}

export const LETTERS = 'ABCDEFGHIJ';

export function seconds(ms: number): string {
  return `${Math.max(0, ms / 1000).toFixed(1)}s`;
}

export function bar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

export function progressLine(p: Progress, style: Style = plain, width = 24): string {
  const pct = p.total > 0 ? p.done / p.total : 0;
  return `${p.label} ${style.cyan(bar(pct, width))} ${p.done}/${p.total}${p.failed ? style.red(` (${p.failed} failed)`) : ''}`;
}

/** The episode as a block of lines. */
export function renderEpisode(e: EpisodeViewOut, opts: RenderOptions): string {
  const s = opts.style ?? plain;
  const width = Math.max(40, Math.min(opts.width ?? 80, 120));
  const now = opts.serverNow;
  const total = e.qset.length;
  const i = e.current_question_index;
  const lines: string[] = [];
  const stateColor = e.state === 'QUESTION_OPEN' ? s.green : e.state === 'CANCELLED' ? s.red : e.state === 'ENDED' ? s.cyan : s.yellow;
  lines.push(`${s.bold(`Episode ${e.id}`)}${e.title ? ` · ${e.title}` : ''}  ${stateColor(e.state)}`);
  lines.push(
    s.dim(`players ${e.participant_count} registered · ${e.remaining_count} remaining · ${e.eliminated_count} eliminated · ${total} questions`),
  );
  lines.push('');

  const question = () => {
    const q = e.current_question;
    if (!q) return;
    lines.push(s.bold(`Question ${i + 1}/${total}`));
    lines.push(q.question);
    const stats = opts.statistics && opts.statistics.question_index === i ? opts.statistics : undefined;
    const answered = stats ? stats.answer_counts.reduce((a, c) => a + c.count, 0) : 0;
    q.options.forEach((option, k) => {
      const right = q.answer !== undefined && Number(q.answer) === k;
      const label = `  ${LETTERS[k]}) ${option}`;
      if (!stats) {
        lines.push(right ? s.green(`${label}  ✔`) : label);
        return;
      }
      const count = stats.answer_counts[k]?.count ?? 0;
      const share = answered > 0 ? count / answered : 0;
      const text = `${label.padEnd(Math.min(36, width - 30))} ${bar(share, 16)} ${String(count).padStart(5)} ${`${Math.round(share * 100)}%`.padStart(4)}`;
      lines.push(right ? s.green(`${text}  ✔`) : text);
    });
    return stats;
  };

  switch (e.state) {
    case 'CREATED': {
      lines.push(`Waiting for players: ${e.participant_count}/${e.min_participant} registered`);
      if (e.start_at !== null && e.start_at > now) lines.push(`Starts no earlier than ${new Date(e.start_at).toISOString()} (in ${seconds(e.start_at - now)})`);
      lines.push(s.dim('Registration is open.'));
      break;
    }
    case 'STARTED': {
      lines.push(`${s.bold('Get ready!')} The first question opens in ${s.yellow(seconds(e.next_step_at - now))}`);
      lines.push(s.dim(`Registration is open until then (${e.participant_count} registered).`));
      break;
    }
    case 'QUESTION_OPEN': {
      question();
      const left = e.question_end_timestamp - now;
      const windowMs = Math.max(1, e.question_end_timestamp - e.question_start_timestamp);
      lines.push('');
      lines.push(`${left > 0 ? s.green('⏱ ') : ''}${bar(left / windowMs, 30)} ${left > 0 ? s.bold(seconds(left)) : s.dim('closing…')}`);
      break;
    }
    case 'QUESTION_CLOSED': {
      question();
      lines.push('');
      lines.push(s.dim('Counting answers…'));
      break;
    }
    case 'QUESTION_RESULTS': {
      const stats = question();
      lines.push('');
      if (stats) lines.push(`${s.green(`${stats.advancing_count} advance`)} · ${s.red(`${stats.eliminated_count} eliminated`)} · ${stats.answered_count} answered`);
      const last = i + 1 >= total || e.remaining_count <= 1;
      if (e.next_step_at > now) lines.push(last ? `The show ends in ${s.yellow(seconds(e.next_step_at - now))}` : `Next question in ${s.yellow(seconds(e.next_step_at - now))}`);
      break;
    }
    case 'ENDED': {
      if (e.current_question && opts.statistics?.question_index === i) {
        question();
        lines.push('');
      }
      const winners = e.remaining_count;
      lines.push(s.bold(`Show over: ${winners === 0 ? 'no winners' : winners === 1 ? '1 winner' : `${winners} winners`}`));
      lines.push(s.dim(e.end_reason === 'one_or_none_left' ? `Ended after question ${i + 1}/${total}: one player or none left.` : `All ${total} questions played.`));
      break;
    }
    case 'CANCELLED': {
      lines.push(s.red('The show was cancelled.'));
      if (i >= 0) lines.push(s.dim(`It stopped at question ${i + 1}/${total}.`));
      break;
    }
  }
  if (opts.progress) {
    lines.push('');
    lines.push(progressLine(opts.progress, s));
  }
  return lines.join('\n');
}

/** One line per state change, for logs and pipes (no TTY). */
export function renderEpisodeLine(e: EpisodeViewOut, serverNow: number): string {
  const i = e.current_question_index;
  const q = i >= 0 ? ` question ${i + 1}/${e.qset.length}` : '';
  const extra =
    e.state === 'QUESTION_OPEN'
      ? ` closes in ${seconds(e.question_end_timestamp - serverNow)}`
      : (e.state === 'QUESTION_CLOSED' || e.state === 'QUESTION_RESULTS') && e.current_question?.answer !== undefined
        ? ` answer ${LETTERS[Number(e.current_question.answer)]}`
        : e.state === 'ENDED'
          ? ` winners ${e.remaining_count}`
          : '';
  return `${e.id} ${e.state}${q}${extra} · ${e.participant_count} registered, ${e.remaining_count} remaining`;
}

/* ---- the live view on a terminal ---- */

/** Where the live view draws: a terminal (redrawn in place) or a pipe (a line per change); nothing with --json. */
export interface Screen {
  stdout: { write(s: string): boolean; columns?: number };
  json: boolean;
  tty: boolean;
  style: Style;
}

/** Draws frames in place on a TTY (cursor up, clear down); prints one line per change elsewhere. */
export function liveView(screen: Screen) {
  let lastLines = 0;
  let lastLine = '';
  const width = screen.stdout.columns ?? 80;
  return {
    frame(view: EpisodeViewOut, serverNow: number, statistics?: StatisticsOut, progress?: Progress) {
      if (screen.json) return;
      if (screen.tty) {
        const text = renderEpisode(view, { serverNow, statistics, progress, style: screen.style, width });
        screen.stdout.write(`${lastLines ? `\u001b[${lastLines}F\u001b[0J` : ''}${text}\n`);
        lastLines = text.split('\n').length;
      } else {
        const line = renderEpisodeLine(view, serverNow);
        const key = `${view.state} ${view.current_question_index}`;
        if (key !== lastLine) screen.stdout.write(`${line}\n`);
        lastLine = key;
      }
    },
    /** Leaves the last frame on screen: what follows is printed below it. */
    release() {
      lastLines = 0;
    },
    /** Text above the live frame (keeps the frame below it). */
    note(text: string) {
      if (screen.json) return;
      if (screen.tty && lastLines) screen.stdout.write(`\u001b[${lastLines}F\u001b[0J`);
      lastLines = 0;
      screen.stdout.write(`${text}\n`);
    },
  };
}

/** `trivia watch`'s last line, once the show is over. */
export const showOverLine = (e: EpisodeViewOut) =>
  e.state === 'ENDED' ? `The show is over: ${e.remaining_count} winner(s) of ${e.participant_count} players.` : 'The show was cancelled.';

/* ---- the report of an episode ---- */

export function formatReport(r: ReportOut, s: Style = plain): string {
  const lines = [
    s.bold(`Report of episode ${r.episode.id}${r.episode.title ? ` · ${r.episode.title}` : ''}: ${r.episode.state}`),
    `players ${r.episode.participant_count} · winners ${r.winners_count}${r.timings.duration_ms !== null ? ` · ${(r.timings.duration_ms / 1000).toFixed(1)} s` : ''}`,
    '',
    'question  answered  right  eliminated  distribution',
  ];
  for (const q of r.questions) {
    const dist = q.answer_counts.map((a) => `${'ABCD'[Number(a.answer)]}:${a.count}${a.correct ? '✔' : ''}`).join(' ');
    lines.push(`${String(q.question_index + 1).padStart(8)}  ${String(q.answered_count).padStart(8)}  ${String(q.advancing_count).padStart(5)}  ${String(q.eliminated_count).padStart(10)}  ${dist}`);
  }
  lines.push('', `survival: ${r.survival_curve.map((p) => p.remaining).join(' → ')}`);
  if (r.winners.length) {
    const names = r.winners.slice(0, 20).map((w) => w.nickname ?? w.user_id);
    lines.push(`winners: ${names.join(', ')}${r.winners_count > names.length ? ` … (+${r.winners_count - names.length})` : ''}`);
  }
  return lines.join('\n');
}

/* ---- `trivia growth`: the funnel by day and the attribution table of a date range ---- */

const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '—');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderFunnel(f: FunnelOut): string {
  const steps = ['page_views', 'sign_ups', 'joined', 'answered', 'won'] as const;
  const rows = [...f.days, { day: 'total', ...f.totals }].map((d) => [d.day, ...steps.map((s) => String(d[s]))]);
  const t = f.totals;
  return [
    `Funnel ${f.from} … ${f.to} (UTC days)`,
    table(['day', 'page views', 'sign-ups', 'joined', 'answered', 'won'], rows),
    `conversion: sign-ups/page views ${pct(t.sign_ups, t.page_views)}, answered/joined ${pct(t.answered, t.joined)}, won/answered ${pct(t.won, t.answered)}`,
  ].join('\n');
}

export function renderAttribution(a: AttributionOut): string {
  const rows = a.campaigns.map((c) => [c.source, c.medium, c.campaign, String(c.first_touch), pct(c.first_touch, a.sign_ups), String(c.last_touch), pct(c.last_touch, a.sign_ups)]);
  return [
    `Sign-ups by campaign ${a.from} … ${a.to}: ${a.sign_ups} sign-up(s), first and last touch within 30 days`,
    table(['source', 'medium', 'campaign', 'first touch', '%', 'last touch', '%'], rows),
  ].join('\n');
}

/* ---- each command's result lines ---- */

/** `trivia mfa setup`: what to put in the authenticator app, and the next step when no code can be typed here. */
export const mfaSetupLines = (p: { secret: string; uri: string; verifyNext: boolean }) =>
  [
    'Add this account to an authenticator app (scan the URI as a QR code, or type the secret):',
    `  ${p.uri}`,
    `  secret: ${p.secret}`,
    ...(p.verifyNext ? ['Then turn TOTP on with a code it shows: trivia mfa verify --totp-code CODE'] : []),
  ].join('\n');

export const mfaEnabledLine = (email: string) =>
  `TOTP is on for ${email}: every sign-in now asks for a code. Sign in again (trivia login) for tokens with admin rights.`;

export const loginLine = (p: { stack: string; email: string; groups: string[]; srp: boolean; file: string }) =>
  `signed in to ${p.stack} as ${p.email}${p.groups.length ? ` (${p.groups.join(', ')})` : ''} with ${p.srp ? 'SRP' : 'USER_PASSWORD_AUTH'}; session saved in ${p.file}`;

/** A created question, its right option between stars. */
export const questionLine = (q: QuestionOut) => `${q.id}  ${q.question}  [${q.options.map((o, k) => (k === Number(q.answer) ? `*${o}*` : o)).join(' | ')}]`;

export const questionListLine = (q: QuestionOut) => `${q.id}  ${q.question}  (${q.options.length} options, answer ${q.answer})`;

export const gameLine = (g: GameOut) => `game ${g.id}${g.title ? ` “${g.title}”` : ''}: ${g.qset.length} questions (${g.qset.join(', ')})`;

export const episodeCreatedLine = (e: EpisodeViewOut) => `episode ${e.id} of game ${e.game_id}: ${e.state}, starts once ${e.min_participant} players have registered`;

export const episodeStateLine = (e: EpisodeViewOut) => `episode ${e.id} is ${e.state}`;

/** The first line of `trivia errors`: the range, and whether the limit (or the page) cut the list. */
export function errorsHeadline(page: ErrorsPage, limit: number): string {
  const more = !page.truncated
    ? ''
    : page.items.length >= limit
      ? ` (the limit of ${limit} cut the list: raise --limit or narrow the range)`
      : ' (more: narrow the range)';
  return `${page.items.length} record(s) from ${new Date(page.from).toISOString()} to ${new Date(page.to).toISOString()}${more}`;
}

export function errorLine(e: ErrorRecord): string {
  const where = [e.episode_id && `episode ${e.episode_id}`, e.question_index !== undefined && `q${e.question_index + 1}`, e.user_id && `user ${e.user_id}`].filter(Boolean).join(' ');
  return `${new Date(e.at).toISOString()}  ${e.reason}${e.status ? ` (${e.status})` : ''}  ${e.source}${where ? `  ${where}` : ''}${e.represents > 1 ? `  ×${e.represents}` : ''}${e.detail ? `  ${e.detail}` : ''}`;
}

export function deadLetterLine(q: DeadLetterStatus['queues'][number]): string {
  const task = q.move_tasks[0];
  return `${q.queue.padEnd(12)} ${String(q.messages).padStart(6)} waiting ${String(q.in_flight).padStart(4)} in flight${q.redrivable ? '' : '  (not redrivable)'}${task ? `  last redrive: ${task.status}, ${task.moved} moved` : ''}`;
}

export const redriveLine = (r: RedriveStarted) => `redrive of ${r.queue} started: about ${r.approximate_messages} message(s) (trivia dlq status shows progress)`;

/* ---- errors ---- */

/**
 * The API's `details`, a line each: a validation failure's fields (`{formErrors, fieldErrors}`, as zod flattens them) by
 * name, anything else as JSON, cut at 300 characters.
 */
export function detailLines(details: unknown): string[] {
  if (details === undefined || details === null) return [];
  const flat = details as { formErrors?: unknown; fieldErrors?: unknown };
  if (Array.isArray(flat.formErrors) && flat.fieldErrors && typeof flat.fieldErrors === 'object') {
    return [
      ...flat.formErrors.map((m) => `(body): ${String(m)}`),
      ...Object.entries(flat.fieldErrors as Record<string, unknown>).map(([field, messages]) => `${field}: ${Array.isArray(messages) ? messages.join('; ') : String(messages)}`),
    ];
  }
  const text = JSON.stringify(details);
  return [`details: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`];
}
