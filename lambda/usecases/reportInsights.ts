/**
 * What the episode report adds to the statistics: per-question difficulty, the answer latency distribution, and
 * the show's key events described for people. The key events are the domain events themselves, rebuilt from what is
 * stored with the same builders the event stream uses (lambda/domain/events.ts), then described
 * (lambda/domain/describe.ts).
 *
 * Reads every registration and every answer of the episode, so up to DETAIL_LIMIT players; beyond that the latencies
 * come from a sample of the answers and eliminations are summed up per question instead of named.
 */
import { describeEvent, describeWin, type DescribeContext } from '../domain/describe.ts';
import {
  compareEvents,
  eliminatedOn,
  endedEvent,
  openedEvent,
  questionOutcomeEvents,
  startedEvent,
  TYPE_ORDER,
  type DomainEvent,
  type Elimination,
} from '../domain/events.ts';
import { isTerminal } from '../domain/episode.ts';
import { difficultyOf, latencyDistribution, type Difficulty, type LatencyDistribution } from '../domain/reportAnalytics.ts';
import type { Episode, Participant, Response } from '../domain/schemas.ts';
import { getQuestions } from '../store/questions.ts';
import { listAnswers } from '../store/responses.ts';
import { listParticipants, sampleAnswers } from '../store/roster.ts';
import type { StoredStatistics } from '../store/statistics.ts';
import { getUsers } from '../store/users.ts';

/** Episodes with more registrations than this get sampled latencies and eliminations summed up, not named. */
const DETAIL_LIMIT = 20_000;
const LATENCY_SAMPLE = 5_000;
/** Eliminations named in key events (the rest are summed up, one line per question); winners named. */
const MAX_DESCRIBED_ELIMINATIONS = 500;
const MAX_DESCRIBED_WINNERS = 100;

interface KeyEvent {
  time: number;
  type: string;
  user_id?: string;
  question_index?: number;
  description: string;
}

export interface ReportInsights {
  perQuestion: Map<number, { difficulty: Difficulty; latency: LatencyDistribution }>;
  latency: LatencyDistribution;
  key_events: KeyEvent[];
}

const byRegistration = (a: Participant, b: Participant) => a.registered_at - b.registered_at || (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0);

/** `winners`: how many won, and the first of them by user id (the report's first page). */
export async function reportInsights(
  episode: Episode,
  finals: StoredStatistics[],
  winners: { count: number; firstIds: string[] },
): Promise<ReportInsights> {
  const detailed = episode.participant_count <= DETAIL_LIMIT;
  const [participants, answers, questions] = await Promise.all([
    detailed ? listParticipants(episode) : Promise.resolve<Participant[]>([]),
    Promise.all(finals.map((s) => (detailed ? listAnswers(episode, s.question_index) : sampleAnswers(episode, s.question_index, LATENCY_SAMPLE)))),
    getQuestions(finals.map((s) => s.question_id)),
  ]);
  const numbers = new Map([...participants].sort(byRegistration).map((p, i) => [p.user_id, i + 1] as const));

  /* difficulty and latency */
  const perQuestion: ReportInsights['perQuestion'] = new Map();
  const all: number[] = [];
  let longestWindow = 0;
  finals.forEach((s, n) => {
    const latencies = answers[n].map((a) => a.received_at - s.question_start_timestamp);
    const windowMs = s.question_end_timestamp - s.question_start_timestamp;
    longestWindow = Math.max(longestWindow, windowMs);
    all.push(...latencies);
    perQuestion.set(s.question_index, { difficulty: difficultyOf(s), latency: latencyDistribution(latencies, windowMs, !detailed) });
  });

  /* key events, rebuilt with the event stream's builders */
  const events: DomainEvent[] = [];
  if (episode.started_at !== undefined) events.push(startedEvent(episode, finals[0]?.question_start_timestamp ?? episode.next_step_at));
  const eliminations = new Map<number, Elimination[]>();
  let inGame: string[] = participants.map((p) => p.user_id);
  finals.forEach((s, n) => {
    const q = questions.get(s.question_id) ?? { id: s.question_id, question: '', options: [] };
    events.push(openedEvent(episode.id, s.question_index, q, s.question_start_timestamp, s.question_end_timestamp));
    const eliminated = detailed ? eliminatedOn(inGame, answers[n]) : [];
    eliminations.set(s.question_index, eliminated);
    const [closed, ...out] = questionOutcomeEvents(episode.id, { statistics: s, eliminated });
    if (!detailed && closed.type === 'question.closed') {
      const wrong = Math.max(0, s.answered_count - s.advancing_count);
      closed.data = { ...closed.data, eliminated_wrong: wrong, eliminated_silent: Math.max(0, s.eliminated_count - wrong) };
    }
    events.push(closed, ...out);
    inGame = answers[n].filter((a: Response) => a.correct).map((a) => a.user_id);
  });
  if (isTerminal(episode)) events.push(endedEvent(episode, winners.firstIds, winners.count));

  // Name the first MAX_DESCRIBED_ELIMINATIONS eliminations (in time order); sum up the rest per question.
  // Same moment, same type (the eliminations of a question): in registration order, as a host would read them out.
  const numberOf = (e: DomainEvent) => ('user_id' in e.data ? (numbers.get(e.data.user_id) ?? Number.MAX_SAFE_INTEGER) : 0);
  events.sort((a, b) => a.time.localeCompare(b.time) || TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || numberOf(a) - numberOf(b) || compareEvents(a, b));
  let named = 0;
  const omitted = new Map<number, number>();
  const kept = events.filter((e) => {
    if (e.type !== 'player.eliminated') return true;
    if (named < MAX_DESCRIBED_ELIMINATIONS) {
      named++;
      return true;
    }
    omitted.set(e.data.question_index, (omitted.get(e.data.question_index) ?? 0) + 1);
    return false;
  });
  const namedWinners = episode.state === 'ENDED' ? winners.firstIds.slice(0, MAX_DESCRIBED_WINNERS) : [];
  const described = new Set<string>([...namedWinners, ...kept.flatMap((e) => (e.type === 'player.eliminated' ? [e.data.user_id] : []))]);
  const users = await getUsers([...described]);
  const ctx: DescribeContext = {
    title: episode.title ?? episode.game_id,
    numberOf: (id) => numbers.get(id),
    nicknameOf: (id) => users.get(id)?.nickname,
  };

  const key_events: KeyEvent[] = [];
  // The line summing up a question's unnamed eliminations comes after its named ones.
  let summary: KeyEvent | undefined;
  const flush = () => {
    if (summary) key_events.push(summary);
    summary = undefined;
  };
  for (const e of kept) {
    if (!(e.type === 'player.eliminated' && summary?.question_index === e.data.question_index)) flush();
    key_events.push({
      time: Date.parse(e.time),
      type: e.type,
      ...('user_id' in e.data ? { user_id: e.data.user_id } : {}),
      ...('question_index' in e.data && typeof e.data.question_index === 'number' ? { question_index: e.data.question_index } : {}),
      description: describeEvent(e, ctx),
    });
    if (e.type === 'question.closed') {
      const count = detailed ? (omitted.get(e.data.question_index) ?? 0) : e.data.eliminated_count;
      if (count > 0) {
        summary = {
          time: Date.parse(e.time),
          type: 'player.eliminated',
          question_index: e.data.question_index,
          description: `${count} ${detailed ? 'more ' : ''}player${count === 1 ? ' was' : 's were'} eliminated on question ${e.data.question_index + 1} of '${ctx.title}'.`,
        };
      }
    }
    if (e.type === 'episode.ended') {
      for (const id of namedWinners) {
        key_events.push({ time: Date.parse(e.time), type: 'player.won', user_id: id, description: describeWin(id, Date.parse(e.time), ctx) });
      }
    }
  }
  flush();

  return { perQuestion, latency: latencyDistribution(all, longestWindow, !detailed), key_events };
}
