/**
 * The response (output) shapes of API v1, as zod schemas, beside the input schemas of ./schemas.ts.
 *
 * One source for three readers: the OpenAPI generator (lib/openapi.ts), the typed client (client/), which parses
 * every response with these, and the tests, which check that the domain's own functions (`episodeView`, the report,
 * the statistics) produce exactly these shapes. Pure: zod only, no AWS.
 *
 * Objects are not strict: a server may add fields (clients ignore them), but never drop or retype one listed here.
 */
import { z } from 'zod';
import * as inputs from './schemas.ts';

const { EPISODE_STATES } = inputs;

/*
 * The request bodies: the very schemas the handlers validate with (lambda/domain/schemas.ts), under a component name.
 * `.meta()` returns a copy that parses exactly like the original; the original stays untouched.
 */
export const questionInput = inputs.questionInput.meta({ id: 'QuestionInput' });
export const gameInput = inputs.gameInput.meta({ id: 'GameInput' });
export const episodeInput = inputs.episodeInput.meta({ id: 'EpisodeInput' });
export const participantInput = inputs.participantInput.meta({ id: 'ParticipantInput' });
export const responseInput = inputs.responseInput.meta({ id: 'ResponseInput' });
export const userUpdateInput = inputs.userUpdateInput.meta({ id: 'UserUpdateInput' });

/** What a client sends (before the server's defaults and transforms): `answer` may be `2` or `"2"`. */
export type QuestionInputBody = z.input<typeof questionInput>;
export type GameInputBody = z.input<typeof gameInput>;
export type EpisodeInputBody = z.input<typeof episodeInput>;
export type ParticipantInputBody = z.input<typeof participantInput>;
export type ResponseInputBody = z.input<typeof responseInput>;
export type UserUpdateBody = z.input<typeof userUpdateInput>;

/** Epoch milliseconds. */
const epochMs = z.number().int().describe('epoch milliseconds');
const count = z.number().int().min(0);

export const errorBody = z.object({
  error: z.object({
    code: z.string().regex(/^[a-z][a-z0-9_]*$/).describe('snake_case error code, stable for clients'),
    message: z.string(),
    details: z.unknown().optional(),
  }),
}).meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBody>;

/** The body of a 401 from API Gateway's JWT authorizer (and the local stack's): not the contract's error shape. */
export const unauthorizedBody = z.object({ message: z.string() }).meta({ id: 'Unauthorized' });

export const health = z.object({ status: z.literal('ok'), version: z.string() }).meta({ id: 'Health' });
export type Health = z.infer<typeof health>;

/** A question as admins see it: with its answer (the option index, a number). */
export const question = z.object({
  id: z.string(),
  question: z.string(),
  options: z.array(z.string()).min(2).max(4),
  answer: z.number().int().min(0),
  media_url: z.string().optional(),
  created_at: epochMs,
}).meta({ id: 'Question' });
export type QuestionOut = z.infer<typeof question>;

/** One page of questions (admin listing); `next` is an opaque cursor for the following page. */
export const questionPage = z.object({
  items: z.array(question),
  next: z.string().optional(),
}).meta({ id: 'QuestionPage' });
export type QuestionPage = z.infer<typeof questionPage>;

export const game = z.object({
  id: z.string(),
  qset: z.array(z.string()),
  title: z.string().optional(),
  created_at: epochMs,
}).meta({ id: 'Game' });
export type GameOut = z.infer<typeof game>;

/** The current question as players see it; `answer` (the index as a string) appears only once the question has closed. */
export const currentQuestion = z.object({
  id: z.string(),
  question: z.string(),
  options: z.array(z.string()),
  media_url: z.string().optional(),
  answer: z.string().optional(),
}).meta({ id: 'CurrentQuestion' });
export type CurrentQuestion = z.infer<typeof currentQuestion>;

export const episodeState = z.enum(EPISODE_STATES).meta({ id: 'EpisodeState' });

/** `GET /api/v1/episode/{id}`: the domain's `episodeView` (lambda/domain/episode.ts). */
export const episodeView = z.object({
  id: z.string(),
  game_id: z.string(),
  title: z.string().optional(),
  state: episodeState,
  qset: z.array(z.string()),
  min_participant: z.number().int().min(1),
  participant_count: count,
  eliminated_count: count,
  remaining_count: count,
  current_question_index: z.number().int().min(-1).describe('-1 before the first question'),
  question_start_timestamp: epochMs.describe('epoch ms; 0 before the first question'),
  question_end_timestamp: epochMs,
  current_question: z.union([currentQuestion, z.null()]).describe('null before the first question'),
  server_time: epochMs.describe("the server's clock when it answered: clients draw countdowns from it"),
  start_at: epochMs.nullable(),
  next_step_at: epochMs,
  answer_window_seconds: z.number(),
  reveal_seconds: z.number(),
  lead_seconds: z.number(),
  created_at: epochMs,
  started_at: epochMs.optional(),
  ended_at: epochMs.optional(),
  end_reason: z.enum(['last_question', 'one_or_none_left', 'cancelled']).optional(),
}).meta({ id: 'EpisodeView' });
export type EpisodeViewOut = z.infer<typeof episodeView>;

export const participant = z.object({
  episode_id: z.string(),
  user_id: z.string(),
  registered_at: epochMs,
}).meta({ id: 'Participant' });
export type ParticipantOut = z.infer<typeof participant>;

export const accepted = z.object({ status: z.literal('accepted'), received_at: epochMs }).meta({ id: 'Accepted' });
export type Accepted = z.infer<typeof accepted>;

export const answerCount = z.object({
  answer: z.string().describe('the option index, as a string'),
  count,
  correct: z.boolean(),
}).meta({ id: 'AnswerCount' });

/** Statistics of one closed question, as stored (without the episode id and the internal finalization time). */
const questionStatisticsFields = {
  question_index: z.number().int().min(0),
  question_id: z.string(),
  correct_answer: z.string(),
  answer_counts: z.array(answerCount).describe('one entry per option, in option order'),
  answered_count: count,
  advancing_count: count,
  eliminated_count: count,
  players_before: count,
  question_start_timestamp: epochMs,
  question_end_timestamp: epochMs,
};

/** `GET /api/v1/episode/{id}/question/{index}/statistics`. */
export const statistics = z.object(questionStatisticsFields).meta({ id: 'QuestionStatistics' });
export type StatisticsOut = z.infer<typeof statistics>;

/** `GET /api/v1/report/episode/{id}` (lambda/usecases/episodeReport.ts). */
export const report = z.object({
  episode: episodeView,
  winners_count: count.describe('exact, even when `winners` is cut short'),
  winners: z.array(z.object({ user_id: z.string(), nickname: z.string().nullable() })).describe('at most 1000, by user id'),
  questions: z.array(z.object({ ...questionStatisticsFields, finalized_at: epochMs })),
  survival_curve: z.array(z.object({ after_question: z.number().int().min(-1), remaining: count })),
  timings: z.object({
    created_at: epochMs,
    started_at: epochMs.nullable(),
    ended_at: epochMs.nullable(),
    duration_ms: z.number().int().nullable(),
    questions: z.array(
      z.object({
        question_index: z.number().int().min(0),
        opened_at: epochMs,
        closed_at: epochMs,
        finalized_at: epochMs,
        close_to_final_ms: z.number().int(),
      }),
    ),
  }),
}).meta({ id: 'EpisodeReport' });
export type ReportOut = z.infer<typeof report>;

export const user = z.object({ id: z.string(), nickname: z.string(), created_at: epochMs }).meta({ id: 'User' });
export type UserOut = z.infer<typeof user>;

/** Path parameters. */
export const idPath = z.object({ id: z.string().min(1) });
export const statisticsPath = z.object({ id: z.string().min(1), index: z.number().int().min(0).max(99) });
export const questionListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  next: z.string().min(1).max(2048).optional(),
});
