/**
 * The analytics models: layered Athena views over the lake's two tables, `events` (domain events) and
 * `client_events` (client events, lambda/domain/clientEvents.ts `lakeRecord`). Staging views (`stg_`) give one event
 * type each its own typed columns; business views (`bus_`) describe episodes, players and sessions; report views
 * (`rpt_`) answer the dashboard's questions. A view reads only views of lower layers; only staging reads the tables.
 *
 * The one place the SQL lives: lib/constructs/analyticsModels.ts turns each view into a Glue VIRTUAL_VIEW (Athena's
 * "Presto view" format), and test/unit/analyticsViews.test.ts runs the very same SQL in DuckDB on fixture rows.
 *
 * The SQL is written in the part of Trino's dialect that DuckDB runs the same way, with these rules:
 * - days are `CAST(substr(time, 1, 10) AS date)`, not timestamp functions (the times are ISO 8601 UTC strings, and
 *   their time-zone handling differs between the engines); times are compared as strings (same fixed format);
 * - `json_extract_scalar(data, '$.x')` is Trino's; the DuckDB test defines a macro of that name over DuckDB's
 *   `json_extract_string` (the only function the test maps);
 * - every sum is cast to bigint (DuckDB sums integers into HUGEINT, Trino into bigint), and every ratio divides a
 *   `CAST(… AS double)` (Trino's integer division truncates, DuckDB's `/` does not);
 * - counts are `count(…)` (bigint in both), never a sum of CASE;
 * - `CROSS JOIN UNNEST(array) AS alias(column)` has the same meaning in both.
 * The DuckDB test checks each view's column names and types against `columns` below (the types Glue is told).
 */

export type ViewLayer = 'staging' | 'business' | 'reports';
/** Presto/Trino type names, as a Presto view's metadata spells them. */
export type ViewColumnType = 'varchar' | 'integer' | 'bigint' | 'double' | 'date';

export interface ViewDefinition {
  name: string;
  layer: ViewLayer;
  description: string;
  columns: [name: string, type: ViewColumnType][];
  sql: string;
}

/** The lake's tables the staging views read (lib/constructs/analytics.ts, lib/constructs/analyticsModels.ts). */
export const LAKE_TABLES = { events: 'events', clientEvents: 'client_events' } as const;

/** The Glue columns of `client_events`: the fields of lambda/domain/clientEvents.ts `lakeRecord`, `data` as JSON text. */
export const CLIENT_EVENT_COLUMNS = [
  { name: 'id', type: 'string' },
  { name: 'type', type: 'string' },
  { name: 'version', type: 'int' },
  { name: 'time', type: 'string', comment: "ISO 8601, UTC, by the client's clock" },
  { name: 'received_at', type: 'string', comment: "ISO 8601, UTC, by the server's clock" },
  { name: 'session_id', type: 'string' },
  { name: 'anonymous_id', type: 'string' },
  { name: 'user_id', type: 'string' },
  { name: 'category', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'data', type: 'string', comment: "JSON text: json_extract_scalar(data, '$.utm_source')" },
];

const day = `CAST(substr(time, 1, 10) AS date) AS day`;
const domainStaging = (name: string, type: string, description: string, columns: [string, ViewColumnType, string][]): ViewDefinition => ({
  name,
  layer: 'staging',
  description,
  columns: [['event_id', 'varchar'], ['episode_id', 'varchar'], ['event_time', 'varchar'], ['day', 'date'], ...columns.map(([n, t]) => [n, t] as [string, ViewColumnType])],
  sql: `SELECT id AS event_id, episode_id, time AS event_time, ${day}${columns.map(([n, , expr]) => `, ${expr} AS ${n}`).join('')}
FROM ${LAKE_TABLES.events}
WHERE event_type = '${type}'`,
});

const clientColumns: [string, ViewColumnType][] = [
  ['event_id', 'varchar'],
  ['event_time', 'varchar'],
  ['day', 'date'],
  ['session_id', 'varchar'],
  ['anonymous_id', 'varchar'],
  ['user_id', 'varchar'],
];
const clientSelect = `SELECT id AS event_id, time AS event_time, ${day}, session_id, anonymous_id, user_id`;

export const VIEWS: ViewDefinition[] = [
  /* ---- staging: one view per event type ---- */
  domainStaging('stg_episode_created', 'episode.created', 'Episodes created', [
    ['game_id', 'varchar', 'data.game_id'],
    ['title', 'varchar', 'data.title'],
    ['question_count', 'integer', 'data.question_count'],
  ]),
  domainStaging('stg_participant_registered', 'participant.registered', 'Players registered for an episode', [['user_id', 'varchar', 'data.user_id']]),
  domainStaging('stg_episode_started', 'episode.started', 'Episodes started', [['participant_count', 'integer', 'data.participant_count']]),
  domainStaging('stg_question_opened', 'question.opened', 'Questions opened', [
    ['question_index', 'integer', 'data.question_index'],
    ['question_id', 'varchar', 'data.question_id'],
  ]),
  domainStaging('stg_response_accepted', 'response.accepted', 'Answers stored (a replacing answer says which it replaces)', [
    ['question_index', 'integer', 'data.question_index'],
    ['user_id', 'varchar', 'data.user_id'],
    ['answer', 'integer', 'data.answer'],
    ['replaces_answer', 'integer', 'data.replaces.answer'],
  ]),
  domainStaging('stg_response_rejected', 'response.rejected', 'Answers refused by the answer handler', [
    ['user_id', 'varchar', 'data.user_id'],
    ['code', 'varchar', 'data.code'],
  ]),
  domainStaging('stg_question_closed', 'question.closed', 'Questions closed, with their final statistics', [
    ['question_index', 'integer', 'data.question_index'],
    ['answered_count', 'integer', 'data.answered_count'],
    ['advancing_count', 'integer', 'data.advancing_count'],
    ['players_before', 'integer', 'data.players_before'],
    ['eliminated_count', 'integer', 'data.eliminated_count'],
    ['eliminated_wrong', 'integer', 'data.eliminated_wrong'],
    ['eliminated_silent', 'integer', 'data.eliminated_silent'],
  ]),
  domainStaging('stg_player_eliminated', 'player.eliminated', 'Players eliminated', [
    ['user_id', 'varchar', 'data.user_id'],
    ['question_index', 'integer', 'data.question_index'],
    ['reason', 'varchar', 'data.reason'],
  ]),
  domainStaging('stg_episode_ended', 'episode.ended', 'Episodes ended', [
    ['reason', 'varchar', 'data.reason'],
    ['participant_count', 'integer', 'data.participant_count'],
    ['questions_played', 'integer', 'data.questions_played'],
    ['winners_count', 'integer', 'data.winners_count'],
  ]),
  {
    name: 'stg_episode_winner',
    layer: 'staging',
    description: 'The winners of each ended episode, one row per winner',
    columns: [['event_id', 'varchar'], ['episode_id', 'varchar'], ['event_time', 'varchar'], ['day', 'date'], ['user_id', 'varchar']],
    sql: `SELECT e.id AS event_id, e.episode_id, e.time AS event_time, CAST(substr(e.time, 1, 10) AS date) AS day, w.user_id
FROM ${LAKE_TABLES.events} e
CROSS JOIN UNNEST(e.data.winners) AS w(user_id)
WHERE e.event_type = 'episode.ended'`,
  },
  {
    name: 'stg_page_view',
    layer: 'staging',
    description: 'Client page views, with their campaign parameters',
    columns: [...clientColumns, ['path', 'varchar'], ['utm_source', 'varchar'], ['utm_medium', 'varchar'], ['utm_campaign', 'varchar']],
    sql: `${clientSelect}, json_extract_scalar(data, '$.path') AS path, json_extract_scalar(data, '$.utm_source') AS utm_source,
  json_extract_scalar(data, '$.utm_medium') AS utm_medium, json_extract_scalar(data, '$.utm_campaign') AS utm_campaign
FROM ${LAKE_TABLES.clientEvents}
WHERE category = 'page' AND name = 'page_view'`,
  },
  {
    name: 'stg_sign_up',
    layer: 'staging',
    description: 'Client sign-ups',
    columns: clientColumns,
    sql: `${clientSelect}
FROM ${LAKE_TABLES.clientEvents}
WHERE category = 'account' AND name = 'sign_up'`,
  },
  {
    name: 'stg_client_event',
    layer: 'staging',
    description: 'Every client event, without its data',
    columns: [...clientColumns, ['category', 'varchar'], ['name', 'varchar']],
    sql: `${clientSelect}, category, name
FROM ${LAKE_TABLES.clientEvents}`,
  },

  /* ---- business objects ---- */
  {
    name: 'bus_episodes',
    layer: 'business',
    description: 'One row per episode: created, started, ended',
    columns: [
      ['episode_id', 'varchar'],
      ['game_id', 'varchar'],
      ['title', 'varchar'],
      ['created_day', 'date'],
      ['question_count', 'integer'],
      ['participant_count', 'integer'],
      ['questions_played', 'integer'],
      ['winners_count', 'integer'],
      ['end_reason', 'varchar'],
      ['ended_day', 'date'],
    ],
    sql: `SELECT c.episode_id, c.game_id, c.title, c.day AS created_day, c.question_count, s.participant_count, e.questions_played,
  e.winners_count, e.reason AS end_reason, e.day AS ended_day
FROM stg_episode_created c
LEFT JOIN stg_episode_started s ON s.episode_id = c.episode_id
LEFT JOIN stg_episode_ended e ON e.episode_id = c.episode_id`,
  },
  {
    name: 'bus_players',
    layer: 'business',
    description: 'One row per player: first day, episodes joined, answers, wins',
    columns: [
      ['user_id', 'varchar'],
      ['first_day', 'date'],
      ['episodes_joined', 'bigint'],
      ['answers', 'bigint'],
      ['wins', 'bigint'],
    ],
    sql: `WITH joined AS (
  SELECT user_id, min(day) AS first_day, count(DISTINCT episode_id) AS episodes_joined FROM stg_participant_registered GROUP BY user_id
), answered AS (
  SELECT user_id, count(*) AS answers FROM stg_response_accepted WHERE replaces_answer IS NULL GROUP BY user_id
), won AS (
  SELECT user_id, count(*) AS wins FROM stg_episode_winner GROUP BY user_id
)
SELECT j.user_id, j.first_day, j.episodes_joined, coalesce(a.answers, 0) AS answers, coalesce(w.wins, 0) AS wins
FROM joined j
LEFT JOIN answered a ON a.user_id = j.user_id
LEFT JOIN won w ON w.user_id = j.user_id`,
  },
  {
    name: 'bus_sessions',
    layer: 'business',
    description: 'One row per client session: who, when, how many events and page views',
    columns: [
      ['session_id', 'varchar'],
      ['anonymous_id', 'varchar'],
      ['user_id', 'varchar'],
      ['started_at', 'varchar'],
      ['ended_at', 'varchar'],
      ['events', 'bigint'],
      ['page_views', 'bigint'],
    ],
    sql: `SELECT session_id, max(anonymous_id) AS anonymous_id, max(user_id) AS user_id, min(event_time) AS started_at, max(event_time) AS ended_at,
  count(*) AS events, count(CASE WHEN category = 'page' AND name = 'page_view' THEN 1 END) AS page_views
FROM stg_client_event
GROUP BY session_id`,
  },

  /* ---- reports ---- */
  {
    name: 'rpt_daily_active_players',
    layer: 'reports',
    description: 'Players who registered or answered, per day',
    columns: [
      ['day', 'date'],
      ['active_players', 'bigint'],
    ],
    sql: `SELECT day, count(DISTINCT user_id) AS active_players
FROM (SELECT day, user_id FROM stg_participant_registered UNION ALL SELECT day, user_id FROM stg_response_accepted) active
GROUP BY day`,
  },
  {
    name: 'rpt_question_difficulty',
    layer: 'reports',
    description: 'Per question of an episode: answers, right answers, the share right',
    columns: [
      ['episode_id', 'varchar'],
      ['question_index', 'integer'],
      ['answered', 'integer'],
      ['right_answers', 'integer'],
      ['right_rate', 'double'],
    ],
    sql: `SELECT episode_id, question_index, answered_count AS answered, advancing_count AS right_answers,
  CASE WHEN answered_count > 0 THEN CAST(advancing_count AS double) / answered_count END AS right_rate
FROM stg_question_closed`,
  },
  {
    name: 'rpt_drop_off',
    layer: 'reports',
    description: 'Per question of an episode: players before it, eliminated by a wrong answer or by silence, the share lost',
    columns: [
      ['episode_id', 'varchar'],
      ['question_index', 'integer'],
      ['players_before', 'integer'],
      ['eliminated_wrong', 'integer'],
      ['eliminated_silent', 'integer'],
      ['drop_off_rate', 'double'],
    ],
    sql: `SELECT episode_id, question_index, players_before, eliminated_wrong, eliminated_silent,
  CASE WHEN players_before > 0 THEN CAST(eliminated_count AS double) / players_before END AS drop_off_rate
FROM stg_question_closed`,
  },
  {
    name: 'rpt_campaign_conversion',
    layer: 'reports',
    description: 'Per campaign: visitors with a touch, those of them who signed up after it, the share',
    columns: [
      ['utm_source', 'varchar'],
      ['utm_medium', 'varchar'],
      ['utm_campaign', 'varchar'],
      ['visitors', 'bigint'],
      ['sign_ups', 'bigint'],
      ['conversion_rate', 'double'],
    ],
    sql: `SELECT t.utm_source, coalesce(t.utm_medium, '(none)') AS utm_medium, coalesce(t.utm_campaign, '(none)') AS utm_campaign,
  count(DISTINCT t.anonymous_id) AS visitors, count(DISTINCT s.anonymous_id) AS sign_ups,
  CAST(count(DISTINCT s.anonymous_id) AS double) / count(DISTINCT t.anonymous_id) AS conversion_rate
FROM stg_page_view t
LEFT JOIN stg_sign_up s ON s.anonymous_id = t.anonymous_id AND s.event_time >= t.event_time
WHERE t.utm_source IS NOT NULL AND t.anonymous_id IS NOT NULL
GROUP BY t.utm_source, coalesce(t.utm_medium, '(none)'), coalesce(t.utm_campaign, '(none)')`,
  },
];

/** The Glue (Hive) type of a Presto column type. */
export const HIVE_TYPE: Record<ViewColumnType, string> = { varchar: 'string', integer: 'int', bigint: 'bigint', double: 'double', date: 'date' };
