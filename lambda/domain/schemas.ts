/**
 * The wire shapes of API v1 (snake_case, as the contract in DESIGN.md fixes them) and the records the stores keep.
 * Input schemas validate every request body; record types are what the domain functions work on.
 */
import { z } from 'zod';
import { MAX_MEDIA_BYTES, MEDIA_CONTENT_TYPES } from './media.ts';

export const EPISODE_STATES = ['CREATED', 'STARTED', 'QUESTION_OPEN', 'QUESTION_CLOSED', 'QUESTION_RESULTS', 'ENDED', 'CANCELLED'] as const;
export type EpisodeState = (typeof EPISODE_STATES)[number];

const id = z.string().trim().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, 'ids use letters, digits, ".", "_", ":" and "-"');

/** An option index: the contract accepts `"2"` or `2`. Always a number once parsed. */
export const answerIndex = z.union([
  z.number().int().min(0).max(9),
  z.string().regex(/^\d$/, 'answer is the 0-based index of an option').transform(Number),
]);

const questionText = z.string().trim().min(1).max(1000);
const optionTexts = z.array(z.string().trim().min(1).max(200)).min(2).max(4);

/** A language tag a translation is filed under: `de`, `pt-BR`. */
export const languageTag = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'a language tag such as "de" or "pt-BR"');

/** A question's text in another language; its options are in the same order as the original's, one for one. */
export const questionTranslation = z.object({ question: questionText, options: optionTexts }).strict();
export type QuestionTranslation = z.infer<typeof questionTranslation>;

export const questionInput = z
  .object({
    id: id.optional(),
    question: questionText,
    options: optionTexts,
    answer: answerIndex,
    media_url: z.url().max(2048).optional(),
    translations: z.record(languageTag, questionTranslation).optional(),
  })
  .strict();
export type QuestionInput = z.infer<typeof questionInput>;

export interface Question {
  id: string;
  question: string;
  options: string[];
  answer: number;
  media_url?: string;
  translations?: Record<string, QuestionTranslation>;
  created_at: number;
}

/** What a player may see of a question: never the answer. */
export interface PublicQuestion {
  id: string;
  question: string;
  options: string[];
  media_url?: string;
  translations?: Record<string, QuestionTranslation>;
}

export const gameInput = z
  .object({
    id: id.optional(),
    qset: z.array(id).min(1).max(100),
    title: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export type GameInput = z.infer<typeof gameInput>;

export interface Game {
  id: string;
  qset: string[];
  title?: string;
  created_at: number;
}

export const episodeInput = z
  .object({
    id: id.optional(),
    game_id: id,
    min_participant: z.number().int().min(1).max(10_000_000).default(2),
    qset: z.array(id).min(1).max(100).optional(),
    start_at: z.number().int().min(0).optional(),
    // Absent timings take the deployment's defaults (10 s, 5 s, 60 s unless configured otherwise).
    answer_window_seconds: z.number().min(1).max(60).optional(),
    reveal_seconds: z.number().min(0).max(60).optional(),
    lead_seconds: z.number().min(0).max(3600).optional(),
  })
  .strict();
export type EpisodeInput = z.infer<typeof episodeInput>;

/** The episode record as stored; `current_answer` is internal and leaves only through `episodeView`. */
export interface Episode {
  id: string;
  game_id: string;
  title?: string;
  state: EpisodeState;
  qset: string[];
  min_participant: number;
  participant_count: number;
  /** Players out after the last finalized question; remaining = participant_count - eliminated_count. */
  eliminated_count: number;
  current_question_index: number;
  question_start_timestamp: number;
  question_end_timestamp: number;
  current_question?: PublicQuestion;
  /** The open question's answer: kept for grading and revealed only after the question closes. */
  current_answer?: number;
  /** Index of the last question whose statistics are final; -1 before the first. */
  finalized_index: number;
  start_at: number | null;
  answer_window_ms: number;
  reveal_ms: number;
  lead_ms: number;
  /** Time after a window closes that the runner waits for queued answers to be counted before it finalizes. */
  settle_ms: number;
  /** When the runner's next step is due (epoch ms); 0 when it waits for an event (registrations). */
  next_step_at: number;
  /** Number of key shards for this episode's participants and responses: spreads writes over partitions. */
  shard_count: number;
  version: number;
  created_at: number;
  started_at?: number;
  ended_at?: number;
  end_reason?: 'last_question' | 'one_or_none_left' | 'cancelled';
  /** The final statistics of the current question, from QUESTION_RESULTS until the next question opens. */
  current_statistics?: QuestionStatistics;
  /**
   * Live-channel sequence (lambda/domain/live.ts): raised by one with every write that players are told about
   * (each transition, each announced participant count); `seq_at` is that write's time. Absent before the first.
   */
  seq?: number;
  seq_at?: number;
  /** The participant count last announced on the live channel. */
  announced_count?: number;
  /** The highest `seq` known to be published (the runner's fast path marks it; the stream relay reads it). */
  published_seq?: number;
}

export const participantInput = z
  .object({
    episode_id: id,
    user_id: id.optional(),
  })
  .strict();
export type ParticipantInput = z.infer<typeof participantInput>;

export interface Participant {
  episode_id: string;
  user_id: string;
  registered_at: number;
}

export const responseInput = z
  .object({
    episode_id: id,
    question_id: id,
    user_id: id.optional(),
    answer: answerIndex,
  })
  .strict();
export type ResponseInput = z.infer<typeof responseInput>;

/** An answer as it travels through the answers queue: accepted by the API, not yet stored. */
export const queuedAnswer = z.object({
  episode_id: id,
  question_id: id,
  question_index: z.number().int().min(0),
  user_id: id,
  answer: z.number().int().min(0),
  received_at: z.number().int(),
  shard_count: z.number().int().min(1),
});
export type QueuedAnswer = z.infer<typeof queuedAnswer>;

/** A stored answer, graded when it is written: the grader only adds up. */
export interface Response extends QueuedAnswer {
  correct: boolean;
}

export interface AnswerCount {
  answer: string;
  count: number;
  correct: boolean;
}

export interface QuestionStatistics {
  question_index: number;
  question_id: string;
  correct_answer: string;
  answer_counts: AnswerCount[];
  /** Counted answers, right or wrong. */
  answered_count: number;
  advancing_count: number;
  /** Players who left the game on this question: wrong answers and silence. */
  eliminated_count: number;
  /** Players in the game when this question opened. */
  players_before: number;
}

export const userUpdateInput = z
  .object({
    nickname: z.string().trim().min(1).max(40),
  })
  .strict();

export interface User {
  id: string;
  nickname: string;
  created_at: number;
}

/** `POST /api/v1/media`: what the admin is about to upload. `content_length` is required and signed into the URL. */
export const mediaUploadInput = z
  .object({
    content_type: z.enum(MEDIA_CONTENT_TYPES),
    content_length: z.number().int().min(1).max(MAX_MEDIA_BYTES),
  })
  .strict();
export type MediaUploadInput = z.infer<typeof mediaUploadInput>;

export const episodeIdParam = z.object({ id });
export const statisticsParams = z.object({ id, index: z.coerce.number().int().min(0).max(99) });
