/**
 * The Athena views (lib/analyticsViews.ts), run by DuckDB on fixture rows: the same SQL text the CDK stack puts in
 * the Glue catalog, over tables with the Glue tables' columns, loaded from JSON lines shaped like the archive's.
 *
 * What differs between the engines and how this covers it: DuckDB has no `json_extract_scalar`, so a macro of that
 * name maps it to `json_extract_string` (the only mapping); everything else in the SQL is the common subset that
 * lib/analyticsViews.ts's rules keep to (day from the ISO string, casts before sums and ratios, count()), and each
 * view's result columns are checked against the Presto types the Glue view declares, so a type that would differ
 * (a HUGEINT sum, an integer ratio) fails here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_EVENT_COLUMNS, LAKE_TABLES, VIEWS, type ViewColumnType } from '../../lib/analyticsViews.ts';
import { EVENT_COLUMNS } from '../../lib/constructs/analytics.ts';

/** A Glue (Hive) type in DuckDB's spelling: string → VARCHAR, array<t> → t[], struct<a:t> → STRUCT(a t). */
export function duckType(hive: string): string {
  const t = hive.trim();
  if (t.startsWith('array<')) return `${duckType(t.slice(6, -1))}[]`;
  if (t.startsWith('struct<')) {
    const fields: string[] = [];
    let depth = 0;
    let current = '';
    for (const ch of t.slice(7, -1)) {
      if (ch === '<') depth++;
      if (ch === '>') depth--;
      if (ch === ',' && depth === 0) {
        fields.push(current);
        current = '';
      } else current += ch;
    }
    fields.push(current);
    return `STRUCT(${fields.map((f) => `"${f.slice(0, f.indexOf(':'))}" ${duckType(f.slice(f.indexOf(':') + 1))}`).join(', ')})`;
  }
  return { string: 'VARCHAR', int: 'INTEGER', bigint: 'BIGINT', double: 'DOUBLE', date: 'DATE' }[t] ?? t.toUpperCase();
}

const DUCK_OF: Record<ViewColumnType, string> = { varchar: 'VARCHAR', integer: 'INTEGER', bigint: 'BIGINT', double: 'DOUBLE', date: 'DATE' };

/* ---- fixtures: two episodes and four visitors (hand-checked expectations below) ---- */
let n = 0;
const ev = (type: string, episode: string, time: string, data: Record<string, unknown>) => ({ id: `d${++n}`, type, version: 1, time, episode_id: episode, data });
const D1 = '2026-05-01T19:';
const D2 = '2026-05-02T20:';
const domainEvents = [
  ev('episode.created', 'e1', `${D1}00:00.000Z`, { game_id: 'g1', title: 'Show 1', question_count: 2 }),
  ...['p1', 'p2', 'p3'].map((u, i) => ev('participant.registered', 'e1', `${D1}01:0${i}.000Z`, { user_id: u, registered_at: 1 })),
  ev('episode.started', 'e1', `${D1}05:00.000Z`, { participant_count: 3 }),
  ev('question.opened', 'e1', `${D1}05:10.000Z`, { question_index: 0, question_id: 'q0' }),
  ev('response.accepted', 'e1', `${D1}05:11.000Z`, { question_index: 0, user_id: 'p1', answer: 1, replaces: null }),
  ev('response.accepted', 'e1', `${D1}05:12.000Z`, { question_index: 0, user_id: 'p2', answer: 0, replaces: null }),
  ev('response.accepted', 'e1', `${D1}05:13.000Z`, { question_index: 0, user_id: 'p3', answer: 1, replaces: null }),
  ev('response.accepted', 'e1', `${D1}05:12.500Z`, { question_index: 0, user_id: 'p3', answer: 1, replaces: { answer: 1, received_at: 2 } }),
  ev('question.closed', 'e1', `${D1}05:30.000Z`, { question_index: 0, answered_count: 3, advancing_count: 2, players_before: 3, eliminated_count: 1, eliminated_wrong: 1, eliminated_silent: 0 }),
  ev('player.eliminated', 'e1', `${D1}05:30.000Z`, { user_id: 'p2', question_index: 0, reason: 'wrong_answer' }),
  ev('response.accepted', 'e1', `${D1}05:41.000Z`, { question_index: 1, user_id: 'p1', answer: 2, replaces: null }),
  ev('question.closed', 'e1', `${D1}06:00.000Z`, { question_index: 1, answered_count: 1, advancing_count: 1, players_before: 2, eliminated_count: 1, eliminated_wrong: 0, eliminated_silent: 1 }),
  ev('player.eliminated', 'e1', `${D1}06:00.000Z`, { user_id: 'p3', question_index: 1, reason: 'no_answer' }),
  ev('episode.ended', 'e1', `${D1}06:05.000Z`, { reason: 'last_question', participant_count: 3, questions_played: 2, winners_count: 1, winners: ['p1'] }),
  ev('episode.created', 'e2', `${D2}00:00.000Z`, { game_id: 'g1', title: null, question_count: 1 }),
  ...['p1', 'p4'].map((u, i) => ev('participant.registered', 'e2', `${D2}01:0${i}.000Z`, { user_id: u, registered_at: 1 })),
  ev('episode.started', 'e2', `${D2}05:00.000Z`, { participant_count: 2 }),
  ev('episode.ended', 'e2', `${D2}05:01.000Z`, { reason: 'cancelled', participant_count: 2, questions_played: 0, winners_count: 0, winners: [] }),
];
const ce = (session: string, anon: string | null, category: string, name: string, time: string, data: Record<string, unknown> = {}) => ({
  id: `c${++n}`,
  type: 'client.event',
  version: 1,
  time,
  received_at: time,
  session_id: session,
  anonymous_id: anon,
  user_id: `user-${session}`,
  category,
  name,
  data: JSON.stringify(data),
});
const tv = { utm_source: 'tv', utm_medium: 'cpc', utm_campaign: 'spring' };
const clientEvents = [
  ce('s1', 'a1', 'page', 'page_view', '2026-05-01T10:00:00.000Z', { path: '/', ...tv }),
  ce('s1', 'a1', 'page', 'page_view', '2026-05-01T10:05:00.000Z', { path: '/rules' }),
  ce('s1', 'a1', 'account', 'sign_up', '2026-05-01T10:10:00.000Z'),
  ce('s1', 'a1', 'game', 'opened', '2026-05-01T10:20:00.000Z'),
  ce('s2', 'a2', 'page', 'page_view', '2026-05-01T11:00:00.000Z', { path: '/', ...tv }),
  ce('s3', 'a3', 'account', 'sign_up', '2026-05-02T08:00:00.000Z'),
  ce('s3', 'a3', 'page', 'page_view', '2026-05-02T09:00:00.000Z', { path: '/', utm_source: 'news' }),
  ce('s4', 'a4', 'page', 'page_view', '2026-05-02T12:00:00.000Z', { path: '/', utm_source: 'news' }),
  ce('s4', 'a4', 'account', 'sign_up', '2026-05-02T12:30:00.000Z'),
];

let db: DuckDBInstance;
let connection: DuckDBConnection;
let dir: string;

async function loadTable(name: string, columns: { name: string; type: string }[], rows: object[], partitions: string) {
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
  const spec = columns.map((c) => `'${c.name}': '${duckType(c.type).replaceAll("'", "''")}'`).join(', ');
  await connection.run(`CREATE TABLE ${name} AS SELECT *, ${partitions} FROM read_json('${file}', format = 'newline_delimited', columns = {${spec}})`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'views-'));
  db = await DuckDBInstance.create(':memory:');
  connection = await db.connect();
  // The one dialect mapping (see lib/analyticsViews.ts).
  await connection.run(`CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, p)`);
  // The partition columns Athena adds from the path (event_type=…/dt=…/).
  await loadTable(LAKE_TABLES.events, EVENT_COLUMNS, domainEvents, `type AS event_type, substr(time, 1, 10) AS dt`);
  await loadTable(LAKE_TABLES.clientEvents, CLIENT_EVENT_COLUMNS, clientEvents, `substr(time, 1, 10) AS dt`);
  for (const view of VIEWS) await connection.run(`CREATE VIEW ${view.name} AS ${view.sql}`);
});

afterAll(() => {
  connection?.closeSync();
  db?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

/** A view's rows, bigint columns as numbers, ordered by the given columns. */
async function rows(name: string, orderBy: string): Promise<Record<string, unknown>[]> {
  const view = VIEWS.find((v) => v.name === name)!;
  const out = (await connection.runAndReadAll(`SELECT * FROM ${name} ORDER BY ${orderBy}`)).getRowObjectsJson();
  const bigints = view.columns.filter(([, t]) => t === 'bigint').map(([c]) => c);
  return out.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, bigints.includes(k) && v !== null ? Number(v) : v])));
}

describe('analytics views on DuckDB', () => {
  it.each(VIEWS.map((v) => [v.name, v] as const))('%s has exactly the declared columns and types', async (_name, view) => {
    const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${view.name}`)).getRowObjectsJson();
    expect(described.map((d) => [d.column_name, d.column_type])).toEqual(view.columns.map(([c, t]) => [c, DUCK_OF[t]]));
  });

  it('layers: staging reads only the lake tables, business only staging, reports only staging and business', () => {
    const rank = { staging: 0, business: 1, reports: 2 };
    const byName = new Map(VIEWS.map((v) => [v.name, v]));
    for (const view of VIEWS) {
      const ctes = new Set([...view.sql.matchAll(/\b([a-z_]+)\s+AS\s*\(/gi)].map((m) => m[1]));
      const refs = [...view.sql.matchAll(/\b(?:FROM|JOIN)\s+([a-z_]+)/gi)].map((m) => m[1]).filter((r) => r.toUpperCase() !== 'UNNEST' && !ctes.has(r));
      expect(refs.length, view.name).toBeGreaterThan(0);
      for (const ref of refs) {
        const target = byName.get(ref);
        if (view.layer === 'staging') expect(Object.values(LAKE_TABLES), `${view.name} → ${ref}`).toContain(ref);
        else expect(target && rank[target.layer] < rank[view.layer], `${view.name} → ${ref}`).toBe(true);
      }
    }
    expect(VIEWS.map((v) => v.name).filter((name) => name.startsWith('stg_'))).toHaveLength(13);
  });

  it('staging: one row per event of its type, typed', async () => {
    expect(await rows('stg_participant_registered', 'event_time')).toHaveLength(5);
    expect(await rows('stg_response_accepted', 'event_time')).toEqual(
      expect.arrayContaining([expect.objectContaining({ user_id: 'p3', replaces_answer: 1, question_index: 0, day: '2026-05-01' })]),
    );
    expect(await rows('stg_episode_winner', 'user_id')).toEqual([expect.objectContaining({ episode_id: 'e1', user_id: 'p1' })]);
    expect((await rows('stg_page_view', 'event_time')).map((r) => [r.anonymous_id, r.utm_source, r.utm_medium])).toEqual([
      ['a1', 'tv', 'cpc'],
      ['a1', null, null],
      ['a2', 'tv', 'cpc'],
      ['a3', 'news', null],
      ['a4', 'news', null],
    ]);
  });

  it('bus_episodes', async () => {
    expect(await rows('bus_episodes', 'episode_id')).toEqual([
      { episode_id: 'e1', game_id: 'g1', title: 'Show 1', created_day: '2026-05-01', question_count: 2, participant_count: 3, questions_played: 2, winners_count: 1, end_reason: 'last_question', ended_day: '2026-05-01' },
      { episode_id: 'e2', game_id: 'g1', title: null, created_day: '2026-05-02', question_count: 1, participant_count: 2, questions_played: 0, winners_count: 0, end_reason: 'cancelled', ended_day: '2026-05-02' },
    ]);
  });

  it('bus_players: a replacing answer is not a second answer', async () => {
    expect(await rows('bus_players', 'user_id')).toEqual([
      { user_id: 'p1', first_day: '2026-05-01', episodes_joined: 2, answers: 2, wins: 1 },
      { user_id: 'p2', first_day: '2026-05-01', episodes_joined: 1, answers: 1, wins: 0 },
      { user_id: 'p3', first_day: '2026-05-01', episodes_joined: 1, answers: 1, wins: 0 },
      { user_id: 'p4', first_day: '2026-05-02', episodes_joined: 1, answers: 0, wins: 0 },
    ]);
  });

  it('bus_sessions', async () => {
    expect(await rows('bus_sessions', 'session_id')).toEqual([
      { session_id: 's1', anonymous_id: 'a1', user_id: 'user-s1', started_at: '2026-05-01T10:00:00.000Z', ended_at: '2026-05-01T10:20:00.000Z', events: 4, page_views: 2 },
      { session_id: 's2', anonymous_id: 'a2', user_id: 'user-s2', started_at: '2026-05-01T11:00:00.000Z', ended_at: '2026-05-01T11:00:00.000Z', events: 1, page_views: 1 },
      { session_id: 's3', anonymous_id: 'a3', user_id: 'user-s3', started_at: '2026-05-02T08:00:00.000Z', ended_at: '2026-05-02T09:00:00.000Z', events: 2, page_views: 1 },
      { session_id: 's4', anonymous_id: 'a4', user_id: 'user-s4', started_at: '2026-05-02T12:00:00.000Z', ended_at: '2026-05-02T12:30:00.000Z', events: 2, page_views: 1 },
    ]);
  });

  it('rpt_daily_active_players', async () => {
    expect(await rows('rpt_daily_active_players', 'day')).toEqual([
      { day: '2026-05-01', active_players: 3 },
      { day: '2026-05-02', active_players: 2 },
    ]);
  });

  it('rpt_question_difficulty: a double ratio, not an integer division', async () => {
    expect(await rows('rpt_question_difficulty', 'episode_id, question_index')).toEqual([
      { episode_id: 'e1', question_index: 0, answered: 3, right_answers: 2, right_rate: 2 / 3 },
      { episode_id: 'e1', question_index: 1, answered: 1, right_answers: 1, right_rate: 1 },
    ]);
  });

  it('rpt_drop_off', async () => {
    expect(await rows('rpt_drop_off', 'episode_id, question_index')).toEqual([
      { episode_id: 'e1', question_index: 0, players_before: 3, eliminated_wrong: 1, eliminated_silent: 0, drop_off_rate: 1 / 3 },
      { episode_id: 'e1', question_index: 1, players_before: 2, eliminated_wrong: 0, eliminated_silent: 1, drop_off_rate: 0.5 },
    ]);
  });

  it('rpt_campaign_conversion: a sign-up before the touch does not convert it', async () => {
    expect(await rows('rpt_campaign_conversion', 'utm_source')).toEqual([
      { utm_source: 'news', utm_medium: '(none)', utm_campaign: '(none)', visitors: 2, sign_ups: 1, conversion_rate: 0.5 },
      { utm_source: 'tv', utm_medium: 'cpc', utm_campaign: 'spring', visitors: 2, sign_ups: 1, conversion_rate: 0.5 },
    ]);
  });
});
