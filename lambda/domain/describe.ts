/**
 * Domain events described for people, for reports: "Player #12 (ann) was eliminated on question 3 of 'Friday Night
 * Trivia' at 20:04 UTC". A player's number is its place in the episode's registration order (#1 registered first);
 * questions are numbered from 1, as a host would say them. Times are UTC; events that frame the show (created,
 * started, ended) also carry the date ("on May 1st, 2026 at 20:04 UTC").
 *
 * Pure: no AWS.
 */
import type { DomainEvent } from './events.ts';

export interface DescribeContext {
  /** The show's name: the episode's title, else its game's id. */
  title: string;
  /** The player's number in registration order, if known. */
  numberOf?: (userId: string) => number | undefined;
  /** The player's nickname, if known. */
  nicknameOf?: (userId: string) => string | undefined;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** `20:04 UTC`. */
export const clockTime = (epochMs: number) => {
  const d = new Date(epochMs);
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
};

/** `May 1st, 2026 at 20:04 UTC`. */
export const dateTime = (epochMs: number) => {
  const d = new Date(epochMs);
  return `${MONTHS[d.getUTCMonth()]} ${ordinal(d.getUTCDate())}, ${d.getUTCFullYear()} at ${clockTime(epochMs)}`;
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function playerName(userId: string, ctx: DescribeContext): string {
  const n = ctx.numberOf?.(userId);
  const nickname = ctx.nicknameOf?.(userId);
  const who = n !== undefined ? `Player #${n}` : `Player ${userId.slice(0, 8)}`;
  return nickname ? `${who} (${nickname})` : who;
}

const REFUSALS: Record<string, string> = {
  question_not_open: 'the question was not open',
  answer_window_closed: 'the answer window had closed',
  duplicate_answer: 'it had already answered',
  not_registered: 'it was not registered',
  eliminated: 'it had been eliminated',
  answer_out_of_range: 'the answer was not one of the options',
};

export function describeEvent(event: DomainEvent, ctx: DescribeContext): string {
  const at = Date.parse(event.time);
  const show = `'${ctx.title}'`;
  const q = (index: number) => `question ${index + 1} of ${show}`;
  switch (event.type) {
    case 'episode.created':
      return `${show} was scheduled on ${dateTime(at)}: ${plural(event.data.question_count, 'question')}, at least ${plural(event.data.min_participant, 'player')}.`;
    case 'participant.registered':
      return `${playerName(event.data.user_id, ctx)} registered for ${show} at ${clockTime(at)}.`;
    case 'episode.started':
      return `${show} started on ${dateTime(at)} with ${plural(event.data.participant_count, 'player')}; the first question came at ${clockTime(event.data.first_question_at)}.`;
    case 'question.opened':
      return `Question ${event.data.question_index + 1} of ${show} opened at ${clockTime(at)}: "${event.data.question}"`;
    case 'response.accepted':
      return `${playerName(event.data.user_id, ctx)} answered ${q(event.data.question_index)} at ${clockTime(at)}.`;
    case 'response.rejected': {
      const which = event.data.question_index === null ? `a question of ${show}` : q(event.data.question_index);
      return `${playerName(event.data.user_id, ctx)} was refused an answer to ${which} at ${clockTime(at)}: ${REFUSALS[event.data.code] ?? event.data.code}.`;
    }
    case 'question.closed': {
      const d = event.data;
      const out = d.eliminated_count === 0 ? 'nobody was eliminated' : `${plural(d.eliminated_count, 'player')} ${d.eliminated_count === 1 ? 'was' : 'were'} eliminated (${d.eliminated_wrong} wrong, ${d.eliminated_silent} silent)`;
      return `Question ${d.question_index + 1} of ${show} closed at ${clockTime(at)}: ${d.advancing_count} of ${plural(d.players_before, 'player')} answered right; ${out}.`;
    }
    case 'player.eliminated': {
      const why = event.data.reason === 'no_answer' ? 'no answer' : 'wrong answer';
      return `${playerName(event.data.user_id, ctx)} was eliminated on ${q(event.data.question_index)} at ${clockTime(at)} (${why}).`;
    }
    case 'episode.ended': {
      const d = event.data;
      if (d.reason === 'cancelled') return `${show} was cancelled on ${dateTime(at)} after ${plural(d.questions_played, 'question')}.`;
      const winners = d.winners_count === 0 ? 'no winner' : plural(d.winners_count, 'winner');
      return `${show} ended on ${dateTime(at)} after ${plural(d.questions_played, 'question')} with ${winners}.`;
    }
  }
}

/** A winner's line, at the end of the show. */
export const describeWin = (userId: string, endedAt: number, ctx: DescribeContext) =>
  `${playerName(userId, ctx)} won ${`'${ctx.title}'`} at ${clockTime(endedAt)}.`;
