/**
 * The wire shapes of API v1 (snake_case, as the contract in DESIGN.md fixes them) and the records the stores keep.
 * Input schemas validate every request body; record types are what the domain functions work on.
 */
import { z } from 'zod';
import { MAX_MEDIA_BYTES, MEDIA_CONTENT_TYPES } from './media.ts';

export const EPISODE_STATES = ['CREATED', 'STARTED', 'QUESTION_OPEN', 'QUESTION_CLOSED', 'QUESTION_RESULTS', 'ENDED', 'CANCELLED'] as const;
export type EpisodeState = (typeof EPISODE_STATES)[number];

/**
 * Ids: 1–128 characters of letters, digits, `.`, `_`, `:` and `-`, starting with a letter or a digit (so never `.` or `..`,
 * which a path or a URL would read as a directory). Episode ids are narrower still: see EPISODE_ID.
 */
export const MAX_ID_LENGTH = 128;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const id = z.string().trim().min(1).max(MAX_ID_LENGTH).regex(ID_PATTERN, 'ids are letters, digits, ".", "_", ":" and "-", starting with a letter or digit');

/**
 * Episode ids become AppSync Events channel segments (`/episodes/{id}`): 1–50 characters of `[A-Za-z0-9-]` (DESIGN.md,
 * live channel). An id that is a valid id but not a valid episode id is refused with 422 `invalid_episode_id` at creation.
 */
export const EPISODE_ID = /^[A-Za-z0-9-]{1,50}$/;

/*
 * Text people read. Control characters are refused (newlines only inside a question's text), and so are the bidirectional
 * embedding, override and isolate characters (U+202A–U+202E, U+2066–U+2069), which can make one name display as another.
 * Every text must show at least one visible character: an option of zero-width spaces is not an option.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
const CONTROLS = /\p{Cc}/u;
const CONTROLS_BUT_NEWLINE = /[^\P{Cc}\n]/u;
const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{Z}]/u;
const text = (max: number, { multiline = false } = {}) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !(multiline ? CONTROLS_BUT_NEWLINE : CONTROLS).test(s), multiline ? 'no control characters (newlines are allowed)' : 'no control characters')
    .refine((s) => !BIDI_CONTROLS.test(s), 'no bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)')
    .refine((s) => VISIBLE.test(s), 'at least one visible character');

/** Two options are the same when they read the same: compared after Unicode normalization (NFKC), ignoring case. */
const optionKey = (option: string) => option.normalize('NFKC').toLowerCase();

/** An option index: the contract accepts `"2"` or `2`. Always a number once parsed. */
const answerIndex = z.union([
  z.number().int().min(0).max(9),
  z.string().regex(/^\d$/, 'answer is the 0-based index of an option').transform(Number),
]);

const questionText = text(1000, { multiline: true });
const optionTexts = z
  .array(text(200))
  .min(2)
  .max(4)
  .refine((options) => new Set(options.map(optionKey)).size === options.length, 'options must be distinct (compared ignoring case)');

/** A language tag a translation is filed under: `de`, `pt-BR`. */
const languageTag = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'a language tag such as "de" or "pt-BR"');

/** A question's text in another language; its options are in the same order as the original's, one for one. */
const questionTranslation = z.object({ question: questionText, options: optionTexts }).strict();
type QuestionTranslation = z.infer<typeof questionTranslation>;

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

export interface Question {
  id: string;
  question: string;
  options: string[];
  answer: number;
  media_url?: string;
  translations?: Record<string, QuestionTranslation>;
  created_at: number;
  /** Audit (docs/SECURITY.md): the admin (Cognito subject) who created it, and who changed it last. */
  created_by?: string;
  updated_by?: string;
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
    title: text(200).optional(),
  })
  .strict();

export interface Game {
  id: string;
  qset: string[];
  title?: string;
  created_at: number;
  /** Audit (docs/SECURITY.md): the admin (Cognito subject) who created it, and who changed it last. */
  created_by?: string;
  updated_by?: string;
}

/** How far in the past an episode's `start_at` may lie (clock skew between an admin's machine and the server). */
export const START_AT_GRACE_MS = 60_000;

export const episodeInput = z
  .object({
    id: id.optional(),
    game_id: id,
    min_participant: z.number().int().min(1).max(10_000_000).default(2),
    qset: z.array(id).min(1).max(100).optional(),
    // Not in the past: createEpisode refuses a start_at more than START_AT_GRACE_MS before its clock (422 start_at_in_past).
    start_at: z.number().int().min(0).optional(),
    // Whole seconds. Absent timings take the deployment's defaults (10 s, 5 s, 60 s unless configured otherwise).
    answer_window_seconds: z.number().int().min(1).max(60).optional(),
    reveal_seconds: z.number().int().min(0).max(60).optional(),
    lead_seconds: z.number().int().min(0).max(3600).optional(),
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
  /** Audit (docs/SECURITY.md): the admin (Cognito subject) who created it, and who changed it last. */
  created_by?: string;
  updated_by?: string;
  /** When an admin last changed it (a cancellation); the runner's own steps are not admin changes. */
  updated_at?: number;
}

export const participantInput = z
  .object({
    episode_id: id,
    user_id: id.optional(),
  })
  .strict();

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
    nickname: text(40),
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

export const idParams = z.object({ id });
/** A question index in a path: digits only (not ` `, `0x0` or `1e0`, which Number() would read as a number). */
const pathIndex = z.string().regex(/^\d{1,2}$/, 'a question index is 0–99, in digits').transform(Number);
export const statisticsParams = z.object({ id, index: pathIndex });
