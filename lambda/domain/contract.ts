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
export const mediaUploadInput = inputs.mediaUploadInput.meta({ id: 'MediaUploadInput' });

/** What a client sends (before the server's defaults and transforms): `answer` may be `2` or `"2"`. */
export type QuestionInputBody = z.input<typeof questionInput>;
export type GameInputBody = z.input<typeof gameInput>;
export type EpisodeInputBody = z.input<typeof episodeInput>;
export type ParticipantInputBody = z.input<typeof participantInput>;
export type ResponseInputBody = z.input<typeof responseInput>;
export type UserUpdateBody = z.input<typeof userUpdateInput>;
export type MediaUploadBody = z.input<typeof mediaUploadInput>;

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

export const health = z
  .object({ status: z.literal('ok'), version: z.string(), server_time: z.number().int().describe("the server's clock (epoch ms), for clock-offset estimates") })
  .meta({ id: 'Health' });
export type Health = z.infer<typeof health>;

/** Who created a question or game, and when, and who changed it last. */
const authorship = {
  created_at: epochMs,
  created_by: z.string().optional().describe('the admin (Cognito subject) who created it'),
  updated_by: z.string().optional().describe('the admin who changed it last'),
};
/** A question's text and options in other languages, by language tag (each route describes how they are used). */
const translationsByLanguage = z.record(z.string(), z.object({ question: z.string(), options: z.array(z.string()) })).optional();

/** A question as admins see it: with its answer, the option index as a string (`"2"`), as on every route. */
export const question = z.object({
  id: z.string(),
  question: z.string(),
  options: z.array(z.string()).min(2).max(4),
  answer: z.string().regex(/^\d$/).describe('the 0-based index of the right option, as a string (`"2"`)'),
  media_url: z.string().optional(),
  translations: translationsByLanguage
    .describe('the question in other languages, by language tag (`de`): options in the same order as `options`'),
  ...authorship,
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
  ...authorship,
}).meta({ id: 'Game' });
export type GameOut = z.infer<typeof game>;

/** The current question as players see it; `answer` (the index as a string) appears only once the question has closed. */
export const currentQuestion = z.object({
  id: z.string(),
  question: z.string(),
  options: z.array(z.string()),
  media_url: z.string().optional(),
  translations: translationsByLanguage
    .describe('the question in other languages, by language tag: players show their own when present'),
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

/** `GET /api/v1/episode`: the episodes that are not over, soonest first. */
export const episodeList = z.object({ items: z.array(episodeView) }).meta({ id: 'EpisodeList' });
export type EpisodeListOut = z.infer<typeof episodeList>;

/** `GET /api/v1/episode/{id}/winners`: named when there are at most 100 (by nickname only), always counted. */
export const winners = z.object({
  episode_id: z.string(),
  winners_count: count,
  winners: z.array(z.object({ nickname: z.string().nullable() })).describe('empty when more than 100 players won'),
}).meta({ id: 'Winners' });
export type WinnersOut = z.infer<typeof winners>;

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

/** The live channel (AppSync Events, `/episodes/{episode_id}`): one event per committed write, `seq` rising by one. */
export const liveEventType = z
  .enum(['episode.started', 'question.opened', 'question.closed', 'question.results', 'episode.ended', 'episode.cancelled', 'participants.counted'])
  .meta({ id: 'LiveEventType' });
export const liveEvent = z
  .object({
    type: liveEventType,
    episode_id: z.string(),
    seq: z.number().int().min(1),
    server_time: epochMs.describe('when the write was committed'),
    episode: episodeView,
    correct_answer: z.string().optional().describe('question.closed'),
    statistics: statistics.optional().describe('question.results: the same object as GET …/statistics'),
    winners_count: count.optional().describe('episode.ended'),
    participant_count: count.optional().describe('participants.counted'),
  })
  .meta({ id: 'LiveEvent' });
export type LiveEventOut = z.infer<typeof liveEvent>;

/** `GET /api/v1/live/{id}`: the same bytes for every caller; the statistics while the results are shown. */
export const liveSnapshot = z
  .object({ seq: z.number().int().min(0), episode: episodeView, statistics: statistics.optional() })
  .meta({ id: 'LiveSnapshot' });
export type LiveSnapshotOut = z.infer<typeof liveSnapshot>;

/** `GET /api/v1/episode/{id}/me`. */
/** `GET /api/v1/episode/{id}/me`: a push client names the last `seq` it has seen, so the answer is never older than that. */
export const standingQuery = z.strictObject({
  seq: z.coerce.number().int().min(0).optional().describe('the last live-channel `seq` the caller has seen: the standing reflects at least that transition'),
});
export const standing = z
  .object({
    episode_id: z.string(),
    registered: z.boolean(),
    status: z.enum(['not_registered', 'playing', 'eliminated', 'winner']),
    eliminated_at_question: z.number().int().min(0).optional(),
    current_answer: z.string().optional().describe("the caller's own answer to the current question"),
  })
  .meta({ id: 'Standing' });
export type StandingOut = z.infer<typeof standing>;

/** How long answers took: `received_at - question_start_timestamp` of every counted answer (lambda/domain/reportAnalytics.ts). */
export const latencyDistribution = z.object({
  count,
  min_ms: z.number().int().nullable(),
  p50_ms: z.number().int().nullable(),
  p90_ms: z.number().int().nullable(),
  p99_ms: z.number().int().nullable(),
  max_ms: z.number().int().nullable(),
  mean_ms: z.number().nullable(),
  histogram: z.array(z.object({ from_ms: z.number().int().min(0), to_ms: z.number().int().min(0), count })).describe('one-second buckets across the answer window'),
  sampled: z.boolean().describe('true when computed from a sample of the answers (very large episodes)'),
}).meta({ id: 'LatencyDistribution' });

/** How hard a question was: the share of the players in the game who got it right, and of those who answered. */
export const questionDifficulty = z.object({
  share_right: z.number().min(0).max(1),
  share_right_of_answers: z.number().min(0).max(1),
  level: z.enum(['easy', 'medium', 'hard']).describe('easy: at least 80% right; hard: under 50%'),
}).meta({ id: 'QuestionDifficulty' });

/** A key event of the show, described for people ("Player #12 (ann) was eliminated on question 3 of ... at 20:04 UTC"). */
export const keyEvent = z.object({
  time: epochMs,
  type: z.string().describe('the domain event type (episode.started, question.closed, player.eliminated, ...), or `player.won`'),
  user_id: z.string().optional(),
  question_index: z.number().int().min(0).optional(),
  description: z.string(),
}).meta({ id: 'KeyEvent' });

/** `GET /api/v1/report/episode/{id}` (lambda/usecases/episodeReport.ts). */
/** A winner as admins see them (the report and its winners listing). */
export const reportWinner = z.object({
  user_id: z.string().describe('the Cognito subject (admins only)'),
  nickname: z.string().nullable().describe('null when the player never opened a profile'),
  display_name: z.string().describe('the nickname, else the name a profile would start with (`player-<first 8 of the id>`)'),
}).meta({ id: 'ReportWinner' });

/** `GET /api/v1/report/episode/{id}/winners`: every winner, a page at a time, by user id. */
export const winnerPage = z.object({
  episode_id: z.string(),
  winners_count: count.describe('exact (the right answers to the last question)'),
  items: z.array(reportWinner).describe('by user id'),
  next: z.string().optional().describe('present when another page follows'),
}).meta({ id: 'WinnerPage' });
export type WinnerPageOut = z.infer<typeof winnerPage>;

export const winnerListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  next: z.string().min(1).max(2048).optional(),
});

export const report = z.object({
  episode: episodeView,
  winners_count: count.describe('exact, even when `winners` is cut short'),
  winners: z.array(reportWinner).describe('the first 1000, by user id'),
  winners_next: z.string().optional().describe('present when more won: pass it as `next` to `GET /api/v1/report/episode/{id}/winners`'),
  questions: z.array(z.object({ ...questionStatisticsFields, finalized_at: epochMs, difficulty: questionDifficulty, latency: latencyDistribution })),
  /** Answer latency over every counted answer of the episode. */
  latency: latencyDistribution,
  key_events: z.array(keyEvent).describe('in time order; eliminations beyond the first 500 are summed up in one line per question'),
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

/** `POST /api/v1/media`: a presigned upload (lambda/http/createMediaUpload.ts). */
export const mediaUpload = z.object({
  upload_url: z.string().describe('presigned S3 URL: PUT the bytes here before `expires_in` seconds have passed'),
  upload_method: z.literal('PUT'),
  upload_headers: z.record(z.string(), z.string()).describe('headers the PUT must carry (the signed Content-Type)'),
  media_url: z.string().describe("where the object is served once uploaded: use it as a question's `media_url`"),
  key: z.string().describe('the object key, `media/<uuid>.<ext>`'),
  expires_in: z.number().int().min(1).describe('seconds the upload URL stays valid'),
}).meta({ id: 'MediaUpload' });
export type MediaUploadOut = z.infer<typeof mediaUpload>;
export type UserOut = z.infer<typeof user>;

/** `GET /api/v1/openapi.json`: an OpenAPI 3.1 document (only its frame is checked here). */
export const openapiDocument = z
  .looseObject({
    openapi: z.string().startsWith('3.1'),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
    components: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'OpenApiDocument' });
export type OpenApiDocumentOut = z.infer<typeof openapiDocument>;

/** Path parameters. */
export const idPath = z.object({ id: z.string().min(1) });
export const statisticsPath = z.object({ id: z.string().min(1), index: z.number().int().min(0).max(99) });
/** `GET /api/v1/stats/live` (lambda/http/getLiveStats.ts, lambda/domain/liveStats.ts). */
export const liveStatsQuery = z.strictObject({
  window_minutes: z.coerce.number().int().min(1).max(1440).optional().describe('the window of the totals and top players (default 60)'),
});
const playerCount = z.object({ id: z.string().describe('user id'), count }).meta({ id: 'PlayerCount' });
export const liveStats = z.object({
  as_of: epochMs.describe("the server's clock when the aggregates were computed"),
  window_minutes: z.number().int().min(1),
  events_total: count.describe('domain events with a time in the window (the current minute and the ones before it); answers refused by the answer handler (`response.rejected`) are archived but not counted here'),
  events_per_minute: z.number().min(0).describe('events_total / window_minutes'),
  events_per_second_moving_average: z.number().min(0).describe('events of the last 60 seconds / 60'),
  events_by_type: z.record(z.string(), count),
  top_player_wins: playerCount.nullable().describe('most episodes won in the window (ties: smallest id)'),
  top_player_correct_answers: playerCount.nullable().describe('most right answers in the window (ties: smallest id)'),
  live_episodes: count.describe('episodes started and not over'),
}).meta({ id: 'LiveStats' });
export type LiveStatsOut = z.infer<typeof liveStats>;

export const questionListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  next: z.string().min(1).max(2048).optional(),
});

/* ---- client events and growth analytics (lambda/domain/clientEvents.ts, lambda/domain/growth.ts) ---- */
export { clientEventBatchInput, clientEventInput, clientEventsAccepted, clientEventsPage, clientEventsQuery, clientEvent } from './clientEvents.ts';
export type { ClientEventInput } from './clientEvents.ts';

/** `from`/`to` of the growth routes: days, UTC. */
export const growthRange = z.strictObject({
  from: z.iso.date().optional().describe('first day (yyyy-mm-dd, UTC; default: 6 days before `to`)'),
  to: z.iso.date().optional().describe('last day, inclusive (default: today); at most 92 days'),
});

const funnelCounts = {
  page_views: count.describe('client events `page`/`page_view`'),
  sign_ups: count.describe('client events `account`/`sign_up`'),
  joined: count.describe('registrations for an episode'),
  answered: count.describe('players who answered in an episode (their first answer to question 0)'),
  won: count.describe('winners of the episodes that ended'),
};
export const funnel = z
  .object({
    from: z.string(),
    to: z.string(),
    days: z.array(z.object({ day: z.string().describe('yyyy-mm-dd (UTC) of the event time'), ...funnelCounts })).describe('every day of the range, oldest first'),
    totals: z.object(funnelCounts),
  })
  .meta({ id: 'Funnel' });
export type FunnelOut = z.infer<typeof funnel>;

export const attribution = z
  .object({
    from: z.string(),
    to: z.string(),
    sign_ups: count.describe('sign-ups of the range (by the sign-up event\'s day)'),
    campaigns: z
      .array(
        z.object({
          source: z.string().describe('`utm_source`, or `(direct)` for sign-ups without a touch in the lookback'),
          medium: z.string(),
          campaign: z.string(),
          first_touch: count,
          last_touch: count,
        }),
      )
      .describe('each column sums to sign_ups'),
  })
  .meta({ id: 'Attribution' });
export type AttributionOut = z.infer<typeof attribution>;
