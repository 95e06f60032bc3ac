/**
 * The live terminal view of an episode: a pure function from an episode view (and the server clock, the closed
 * question's statistics, a progress line) to text, so that every state can be unit-tested without a terminal.
 */
import type { EpisodeViewOut, StatisticsOut } from '../../lambda/domain/contract.ts';

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

const LETTERS = 'ABCDEFGHIJ';

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
