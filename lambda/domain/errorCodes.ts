/**
 * Every `error.code` API v1 answers with, and what it means: the catalogue the OpenAPI document (lib/openapi.ts) and
 * docs/CONTRACT.md list. test/unit/error-codes.test.ts reads the handlers' source and fails when a code is thrown that
 * is not here, so a new code cannot ship undocumented.
 */
export const ERROR_CODES = {
  malformed_json: [400, 'the body is not valid JSON'],
  invalid_body: [400, 'the body does not match the schema: the message names the first fields and rules, `details` has them all'],
  invalid_path: [400, 'a path parameter is malformed (an id outside the safe set, an index that is not 0–99 in digits)'],
  invalid_query: [400, 'a query parameter is malformed, or the route does not take it (unknown parameters are refused)'],
  invalid_cursor: [400, '`next` is not a cursor this listing handed out (cursors are signed: forged or edited ones are refused)'],
  invalid_range: [400, '`from` is after `to`'],
  range_too_large: [400, 'the range covers more than 7 days'],
  unauthorized: [401, 'no valid token (behind API Gateway, the authorizer answers first with `{"message":"Unauthorized"}`)'],
  admin_only: [403, 'the route is for admins'],
  user_mismatch: [403, '`user_id` is not the signed-in user'],
  not_registered: [403, 'the player is not registered for the episode'],
  eliminated: [403, 'the player is out of the game'],
  question_not_found: [404, 'no such question'],
  game_not_found: [404, 'no such game'],
  episode_not_found: [404, 'no such episode'],
  queue_not_found: [404, 'no such queue'],
  id_conflict: [409, 'a different item already has this id'],
  episode_over: [409, 'the episode has ended or was cancelled'],
  episode_moved: [409, 'the episode changed meanwhile; read it again'],
  registration_closed: [409, 'registration closed when the first question opened'],
  question_not_open: [409, 'the question is not the open one'],
  answer_window_closed: [409, 'the answer window has closed (by the server clock)'],
  duplicate_answer: [409, 'the server already holds an answer of this player to this question'],
  statistics_not_ready: [409, 'the question has not closed, or its statistics are still being counted'],
  redrive_running: [409, 'a redrive of this queue is already running'],
  not_redrivable: [409, 'the stream failures queue holds descriptions, not messages: it cannot be redriven'],
  body_too_large: [413, 'the body is larger than 16 KiB'],
  unsupported_media_type: [415, 'a body sent without `Content-Type: application/json`'],
  answer_out_of_range: [422, '`answer` is not an index of the question\'s options'],
  unknown_game: [422, '`game_id` names no game'],
  unknown_questions: [422, 'an id in `qset` is not a question (`details.missing`)'],
  invalid_episode_id: [422, 'an episode id is 1–50 characters of `[A-Za-z0-9-]` (it names the live channel)'],
  start_at_in_past: [422, '`start_at` is more than 60 s before the server clock'],
  throttled: [429, 'the service is busy: retry with exponential backoff (`Retry-After`)'],
  internal_error: [500, 'an unexpected failure (never a stack trace)'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERROR_CODES;
