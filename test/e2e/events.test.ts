/**
 * Domain events end to end: a small scripted show (8 players, 3 questions: right, wrong, silent, late, duplicate,
 * eliminated and unregistered answers) played on a clock moved 400 days ahead (test time control), while the live
 * aggregates' writes fail now and then so that publishEvents' batches are retried. Then:
 *
 * - the events of the episode match the script: the lifecycle in order, and between each two lifecycle events exactly
 *   the expected registrations, answers, refusals and eliminations;
 * - the local archive holds every event once, in `<type>/<yyyy-mm-dd>.jsonl` by event time;
 * - GET /api/v1/stats/live returns the aggregates of the archived events of its window, exactly;
 * - the report describes the key events for people.
 */
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOf } from '../../lambda/domain/answers.ts';
import { TYPE_ORDER, type DomainEvent, type EventType } from '../../lambda/domain/events.ts';
import { DEFAULT_LIVE_STATS_CACHE_MS, type LiveStats } from '../../lambda/domain/liveStats.ts';
import { CLOCK_RECHECK_MS, clockAhead } from '../../lambda/shared/clock.ts';
import type { FaultPlan } from '../../lib/local/dynamoProxy.ts';
import { admin, eventually, player, questionOpen, sleepUntilServerTime, waitForEpisode, type EpisodeBody, type Player } from './support/game.ts';
import { dynamoDocumentClient, stack, tableName } from './support/index.ts';

const RUN = `ev-${Date.now().toString(36)}`;
const TITLE = `Events Night ${RUN}`;
const DAYS_AHEAD = 400;
const QUESTIONS = [
  { id: `${RUN}-q0`, question: 'Which planet is closest to the sun?', options: ['Venus', 'Mercury', 'Mars'], answer: 1 },
  { id: `${RUN}-q1`, question: 'How many sides has a hexagon?', options: ['5', '6', '7'], answer: 1 },
  { id: `${RUN}-q2`, question: 'Which is a prime?', options: ['21', '27', '29'], answer: 2 },
];
const PLAYERS = 8;
const episodeId = `${RUN}-episode`;

/** What player p does on question q. Players out of the game still try: they must be refused. */
type Act = 'right' | 'wrong' | 'silent' | 'late' | 'twice' | 'refused';
const SCRIPT: Act[][] = [
  // p0       p1       p2       p3       p4       p5        p6        p7
  ['right', 'right', 'right', 'right', 'right', 'wrong', 'silent', 'late'],
  ['right', 'right', 'right', 'wrong', 'twice', 'refused', 'silent', 'silent'],
  ['right', 'right', 'wrong', 'silent', 'silent', 'silent', 'refused', 'silent'],
];
const WINNERS = [0, 1];

const db = dynamoDocumentClient();
const proxy = () => stack().dynamoProxyEndpoint!;
const setFaults = async (plan: FaultPlan) => expect((await fetch(`${proxy()}/__faults`, { method: 'POST', body: JSON.stringify(plan) })).status).toBe(200);
const clearFaults = async () => (await (await fetch(`${proxy()}/__faults`, { method: 'DELETE' })).json()) as { used: number };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setClock(settings: object | undefined) {
  const file = stack().clockFile;
  if (!settings) {
    if (existsSync(file)) rmSync(file);
    return;
  }
  writeFileSync(`${file}.tmp`, JSON.stringify(settings));
  renameSync(`${file}.tmp`, file);
}

/** Every archived event, with the file it is in. */
function readArchive(): { file: string; event: DomainEvent }[] {
  const dir = stack().eventsArchiveDir;
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((type) =>
    readdirSync(join(dir, type)).flatMap((name) =>
      readFileSync(join(dir, type, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => ({ file: `${type}/${name}`, event: JSON.parse(line) as DomainEvent })),
    ),
  );
}

const mine = () => readArchive().filter((a) => a.event.episode_id === episodeId);

describe('domain events of a scripted show', () => {
  let producer: Player;
  const players: Player[] = [];
  const label = new Map<string, string>();
  /** Every refusal the script provoked: `q<i>:<player>:<code>`. */
  const refusals: string[] = [];
  const opened: EpisodeBody[] = [];
  let faultsUsed = 0;

  beforeAll(async () => {
    setClock(clockAhead(DAYS_AHEAD * 86_400_000));
    // Not a race: every function re-reads the clock file within CLOCK_RECHECK_MS of its change (three times that, for a loaded machine's timers).
    await sleep(3 * CLOCK_RECHECK_MS);
    producer = await admin();
    for (let p = 0; p < PLAYERS; p++) {
      players.push(await player(`${RUN}-p${p}@example.com`, {}));
      label.set(players[p].sub, `p${p}`);
    }
    label.set(producer.sub, 'admin');
    expect((await players[5].call('PUT', '/api/v1/user/me', { nickname: 'Ev5' })).status).toBe(200);
    for (const q of QUESTIONS) expect((await producer.call('POST', '/api/v1/question', q)).status).toBe(201);
    expect((await producer.call('POST', '/api/v1/game', { id: `${RUN}-game`, qset: QUESTIONS.map((q) => q.id), title: TITLE })).status).toBe(201);
    const created = await producer.call('POST', '/api/v1/episode', {
      id: episodeId,
      game_id: `${RUN}-game`,
      min_participant: PLAYERS,
      answer_window_seconds: 4,
      reveal_seconds: 1,
      lead_seconds: 1,
    });
    expect(created.status).toBe(201);
    // The server's clock is 400 days ahead: so is every time it stamps.
    expect((created.body as { created_at: number }).created_at - Date.now()).toBeGreaterThan((DAYS_AHEAD - 1) * 86_400_000);
  });

  afterAll(async () => {
    await clearFaults().catch(() => undefined);
    setClock(undefined);
    await sleep(3 * CLOCK_RECHECK_MS);
  });

  it('plays the show while the live aggregates fail to be written now and then', async () => {
    // Every 3rd write of a live partial fails (a non-retryable error): publishEvents' batch fails after its events
    // were published, and is retried or bisected; the archive and the aggregates must still count each event once.
    await setFaults({ kind: 'fail', operations: ['PutItem'], tableIncludes: 'live-stats', every: 3, limit: 4 });
    // Registered one by one, so that player p is "Player #p+1" in the report.
    for (const pl of players) expect((await pl.call('POST', '/api/v1/participant', { episode_id: episodeId })).status).toBe(201);
    await waitForEpisode(producer, episodeId, (e) => e.state !== 'CREATED', 'started');

    for (let q = 0; q < QUESTIONS.length; q++) {
      const open = await waitForEpisode(producer, episodeId, questionOpen(q), `question ${q} open`);
      expect(open.state).toBe('QUESTION_OPEN');
      expect(open.current_question_index).toBe(q);
      opened.push(open);
      await playQuestion(q, open);
    }
    const ended = await waitForEpisode(producer, episodeId, (e) => e.state === 'ENDED', 'the end');
    expect(ended.remaining_count).toBe(WINNERS.length);
    expect(refusals.sort()).toEqual(
      ['q0:admin:not_registered', 'q0:p7:answer_window_closed', 'q1:p4:duplicate_answer', 'q1:p5:eliminated', 'q2:p6:eliminated'].sort(),
    );
  });

  async function playQuestion(q: number, open: EpisodeBody) {
    const post = (pl: Player, answer: number) => pl.call('POST', '/api/v1/response', { episode_id: episodeId, question_id: QUESTIONS[q].id, answer: String(answer) });
    const refused = (pl: Player, res: { status: number; body: unknown }) => {
      expect(res.status).toBeGreaterThanOrEqual(400);
      refusals.push(`q${q}:${label.get(pl.sub)}:${(res.body as { error: { code: string } }).error.code}`);
    };
    const right = QUESTIONS[q].answer;
    const wrong = (right + 1) % QUESTIONS[q].options.length;
    if (q === 0) refused(producer, await post(producer, right)); // not registered
    await Promise.all(
      players.map(async (pl, p) => {
        const act = SCRIPT[q][p];
        if (act === 'right' || act === 'wrong') expect((await post(pl, act === 'right' ? right : wrong)).status).toBe(202);
        if (act === 'refused') refused(pl, await post(pl, right));
        if (act === 'twice') {
          expect((await post(pl, right)).status).toBe(202);
          await answerStored(pl, q);
          refused(pl, await post(pl, wrong));
        }
      }),
    );
    await sleepUntilServerTime(open, open.question_end_timestamp + 100);
    for (const [p, pl] of players.entries()) if (SCRIPT[q][p] === 'late') refused(pl, await post(pl, right));
  }

  /** Waits until the player's first answer is stored, so that a second one is refused rather than dropped. */
  async function answerStored(pl: Player, q: number) {
    const ep = (await db.send(new GetCommand({ TableName: tableName('episodes'), Key: { id: episodeId } }))).Item as { shard_count: number };
    await eventually(
      async () => (await db.send(new GetCommand({ TableName: tableName('responses'), Key: { pk: `${episodeId}#${q}#${shardOf(pl.sub, ep.shard_count)}`, user_id: pl.sub }, ConsistentRead: true }))).Item,
      (item) => !!item,
      'the first answer stored',
      3000,
      50,
    );
  }

  /** The expected events, phase by phase: each lifecycle event, then the player events up to the next one. */
  function expectedPhases(): string[][] {
    const inGame = [new Set(players.map((_, p) => p))];
    for (let q = 0; q < QUESTIONS.length; q++) {
      inGame.push(new Set([...inGame[q]].filter((p) => SCRIPT[q][p] === 'right' || SCRIPT[q][p] === 'twice')));
    }
    const phases: string[][] = [['episode.created'], players.map((_, p) => `participant.registered:p${p}`), ['episode.started']];
    for (let q = 0; q < QUESTIONS.length; q++) {
      phases.push([`question.opened:${q}`]);
      const during = [...inGame[q]].filter((p) => ['right', 'wrong', 'twice'].includes(SCRIPT[q][p])).map((p) => `response.accepted:${q}:p${p}`);
      const refusedDuring = refusals.filter((r) => r.startsWith(`q${q}:`) && !r.endsWith(':answer_window_closed')).map((r) => `response.rejected:${q}:${r.split(':')[1]}:${r.split(':')[2]}`);
      phases.push([...during, ...refusedDuring]);
      phases.push([`question.closed:${q}`]);
      const out = [...inGame[q]].filter((p) => !inGame[q + 1].has(p)).map((p) => `player.eliminated:${q}:p${p}:${SCRIPT[q][p] === 'wrong' ? 'wrong_answer' : 'no_answer'}`);
      const late = refusals.filter((r) => r.startsWith(`q${q}:`) && r.endsWith(':answer_window_closed')).map((r) => `response.rejected:${q}:${r.split(':')[1]}:answer_window_closed`);
      phases.push([...out, ...late]);
    }
    phases.push(['episode.ended']);
    return phases.map((p) => p.sort()).filter((p) => p.length > 0);
  }

  const LIFECYCLE = new Set<EventType>(['episode.created', 'episode.started', 'question.opened', 'question.closed', 'episode.ended']);

  function phasesOf(events: DomainEvent[]): string[][] {
    const sorted = [...events].sort((a, b) => a.time.localeCompare(b.time) || TYPE_ORDER[a.type] - TYPE_ORDER[b.type]);
    const phases: string[][] = [];
    let current: string[] = [];
    const flush = () => {
      if (current.length) phases.push(current.sort());
      current = [];
    };
    for (const e of sorted) {
      const who = (id: string) => label.get(id) ?? id;
      if (LIFECYCLE.has(e.type)) {
        flush();
        phases.push([e.type === 'question.opened' || e.type === 'question.closed' ? `${e.type}:${e.data.question_index}` : e.type]);
        continue;
      }
      if (e.type === 'participant.registered') current.push(`${e.type}:${who(e.data.user_id)}`);
      if (e.type === 'response.accepted') current.push(`${e.type}:${e.data.question_index}:${who(e.data.user_id)}`);
      if (e.type === 'response.rejected') current.push(`${e.type}:${e.data.question_index}:${who(e.data.user_id)}:${e.data.code}`);
      if (e.type === 'player.eliminated') current.push(`${e.type}:${e.data.question_index}:${who(e.data.user_id)}:${e.data.reason}`);
    }
    flush();
    return phases;
  }

  it('emits exactly the events of the script, in the lifecycle’s order', async () => {
    const expected = expectedPhases();
    const total = expected.flat().length;
    expect(total).toBe(42);
    const events = await eventually(async () => mine().map((a) => a.event), (es) => es.length >= total && es.some((e) => e.type === 'episode.ended'), 'every event archived', 30_000, 200);
    expect(phasesOf(events)).toEqual(expected);
    const count = (type: EventType) => events.filter((e) => e.type === type).length;
    expect(Object.fromEntries([...TYPE_ORDER_KEYS].map((t) => [t, count(t)]))).toEqual({
      'episode.created': 1,
      'participant.registered': 8,
      'episode.started': 1,
      'question.opened': 3,
      'response.accepted': 14,
      'response.rejected': 5,
      'question.closed': 3,
      'player.eliminated': 6,
      'episode.ended': 1,
    });
  });

  it('carries the outcome in the events: final numbers per question, winners at the end', () => {
    const events = mine().map((a) => a.event);
    const closed = events.flatMap((e) => (e.type === 'question.closed' ? [e.data] : [])).sort((a, b) => a.question_index - b.question_index);
    expect(closed.map((c) => [c.players_before, c.answered_count, c.advancing_count, c.eliminated_count, c.eliminated_wrong, c.eliminated_silent, c.correct_answer])).toEqual([
      [8, 6, 5, 3, 1, 2, 1],
      [5, 5, 4, 1, 1, 0, 1],
      [4, 3, 2, 2, 1, 1, 2],
    ]);
    for (const [q, c] of closed.entries()) expect(c.closed_at).toBe(opened[q].question_end_timestamp);
    const ended = events.find((e) => e.type === 'episode.ended');
    expect(ended?.type === 'episode.ended' && ended.data).toMatchObject({
      reason: 'last_question',
      title: TITLE,
      participant_count: 8,
      questions_played: 3,
      winners_count: 2,
      winners: WINNERS.map((p) => players[p].sub).sort(),
    });
    const opens = events.flatMap((e) => (e.type === 'question.opened' ? [e] : []));
    for (const o of opens) expect(JSON.stringify(o.data)).not.toMatch(/correct|"answer"/);
  });

  it('archives every event once, in the file of its type and day, despite the retried batches', async () => {
    faultsUsed = (await clearFaults()).used;
    expect(faultsUsed).toBeGreaterThan(0);
    const all = readArchive();
    const ids = all.map((a) => a.event.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { file, event } of all) expect(file).toBe(`${event.type}/${event.time.slice(0, 10)}.jsonl`);
    for (const { event } of mine()) {
      // Stamped by the server's clock, 400 days ahead: the show's files are days nobody else has played yet.
      expect(Date.parse(event.time) - Date.now()).toBeGreaterThan((DAYS_AHEAD - 1) * 86_400_000);
      expect(Object.keys(event).sort()).toEqual(['data', 'episode_id', 'id', 'time', 'type', 'version']);
      expect(event.version).toBe(1);
    }
  });

  it('GET /api/v1/stats/live: exactly the aggregates of the archived events of its window', async () => {
    const expectedFor = (asOf: number) => {
      const lastMinute = Math.floor(asOf / 60_000);
      const nowSecond = Math.floor(asOf / 1000);
      const counted = readArchive()
        .map((a) => a.event)
        .filter((e) => e.type !== 'response.rejected');
      const inWindow = counted.filter((e) => {
        const m = Math.floor(Date.parse(e.time) / 60_000);
        return m > lastMinute - 60 && m <= lastMinute;
      });
      const byType: Record<string, number> = {};
      for (const e of inWindow) byType[e.type] = (byType[e.type] ?? 0) + 1;
      const lastSixty = inWindow.filter((e) => {
        const s = Math.floor(Date.parse(e.time) / 1000);
        return s > nowSecond - 60 && s <= nowSecond;
      }).length;
      // Right answers: an accepted answer equal to the correct answer its question's close announced.
      const correctOf = new Map(counted.flatMap((e) => (e.type === 'question.closed' ? [[`${e.episode_id}#${e.data.question_index}`, e.data.correct_answer] as const] : [])));
      const correct: Record<string, number> = {};
      const wins: Record<string, number> = {};
      for (const e of inWindow) {
        if (e.type === 'response.accepted' && correctOf.get(`${e.episode_id}#${e.data.question_index}`) === e.data.answer) correct[e.data.user_id] = (correct[e.data.user_id] ?? 0) + 1;
        if (e.type === 'episode.ended') for (const w of e.data.winners) wins[w] = (wins[w] ?? 0) + 1;
      }
      const top = (m: Record<string, number>) =>
        Object.entries(m).reduce<{ id: string; count: number } | null>((best, [id, count]) => (!best || count > best.count || (count === best.count && id < best.id) ? { id, count } : best), null);
      return {
        window_minutes: 60,
        events_total: inWindow.length,
        events_per_minute: Math.round((inWindow.length / 60) * 1000) / 1000,
        events_per_second_moving_average: Math.round((lastSixty / 60) * 1000) / 1000,
        events_by_type: byType,
        top_player_wins: top(wins),
        top_player_correct_answers: top(correct),
      };
    };
    const comparable = (s: Omit<LiveStats, 'as_of' | 'live_episodes'>) => JSON.stringify({ ...s, events_by_type: sortKeys(s.events_by_type) });
    const withoutLive = ({ live_episodes: _l, as_of: _a, ...rest }: LiveStats) => rest;
    const stats = await eventually(
      async () => (await producer.call('GET', '/api/v1/stats/live')).body as LiveStats,
      (s) => comparable(withoutLive(s)) === comparable(expectedFor(s.as_of)),
      'live stats to match the archive',
      20_000,
      300,
    );
    const { live_episodes, as_of } = stats;
    expect(withoutLive(stats)).toEqual(expectedFor(as_of));
    // The show's own contribution: all its counted events are in the window, its winners and best players on top.
    expect(stats.events_by_type['participant.registered']).toBeGreaterThanOrEqual(8);
    expect(stats.events_by_type['response.accepted']).toBe(14);
    expect(stats.top_player_correct_answers).toEqual({ id: WINNERS.map((p) => players[p].sub).sort()[0], count: 3 });
    expect(stats.top_player_wins).toEqual({ id: WINNERS.map((p) => players[p].sub).sort()[0], count: 1 });
    expect(stats.events_per_second_moving_average).toBeGreaterThan(0);
    expect(Number.isInteger(live_episodes) && live_episodes >= 0).toBe(true);
    expect(as_of - Date.now()).toBeGreaterThan((DAYS_AHEAD - 1) * 86_400_000);
  });

  it('counts the episodes running now from the live index', async () => {
    const running = async () =>
      (
        await db.send(
          new QueryCommand({
            TableName: tableName('episodes'),
            IndexName: 'live',
            KeyConditionExpression: '#l = :l',
            ExpressionAttributeNames: { '#l': 'live', '#s': 'state' },
            ExpressionAttributeValues: { ':l': 'live' },
            ProjectionExpression: '#s',
          }),
        )
      ).Items!.filter((i) => ['STARTED', 'QUESTION_OPEN', 'QUESTION_CLOSED', 'QUESTION_RESULTS'].includes(i.state as string)).length;
    await sleep(DEFAULT_LIVE_STATS_CACHE_MS + 100); // past the stats' cache, so the answer is computed between the two counts
    const before = await running();
    const { live_episodes } = (await producer.call('GET', '/api/v1/stats/live?window_minutes=5')).body as { live_episodes: number };
    const after = await running();
    expect(live_episodes).toBeGreaterThanOrEqual(Math.min(before, after));
    expect(live_episodes).toBeLessThanOrEqual(Math.max(before, after));
  });

  it('describes the key events in the report', async () => {
    const res = await producer.call('GET', `/api/v1/report/episode/${episodeId}`);
    expect(res.status).toBe(200);
    const body = res.body as {
      questions: { question_index: number; difficulty: { share_right: number; level: string }; latency: { count: number; histogram: { count: number }[] } }[];
      latency: { count: number };
      key_events: { type: string; description: string; user_id?: string }[];
    };
    expect(body.questions.map((q) => q.difficulty.share_right)).toEqual([0.625, 0.8, 0.5]);
    expect(body.questions.map((q) => q.latency.count)).toEqual([6, 5, 3]);
    expect(body.latency.count).toBe(14);
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
    const lines = body.key_events.map((k) => k.description);
    expect(lines).toContain(`Player #6 (Ev5) was eliminated on question 1 of '${TITLE}' at ${hhmm(opened[0].question_end_timestamp)} UTC (wrong answer).`);
    expect(lines).toContain(`Player #8 was eliminated on question 1 of '${TITLE}' at ${hhmm(opened[0].question_end_timestamp)} UTC (no answer).`);
    expect(lines).toContain(`Player #4 was eliminated on question 2 of '${TITLE}' at ${hhmm(opened[1].question_end_timestamp)} UTC (wrong answer).`);
    const ended = await waitForEpisode(producer, episodeId, (e) => e.state === 'ENDED', 'the end');
    expect(lines.filter((l) => l.includes(' won ')).sort()).toEqual([1, 2].map((n) => `Player #${n} won '${TITLE}' at ${hhmm(ended.ended_at as number)} UTC.`));
    expect(body.key_events.filter((k) => k.type === 'player.eliminated')).toHaveLength(6);
  });
});

const TYPE_ORDER_KEYS = Object.keys(TYPE_ORDER) as EventType[];
const sortKeys = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
