/**
 * The lifecycle under a hostile runner: random tick times (late, duplicated, out of order, in the past), duplicated
 * and stale runners racing on a conditional write, registrations arriving while registration is open, and a world
 * that supplies the facts (questions and statistics) the runner loads. Whatever happens, the committed history must
 * be the one legal history: start, then open/close/finalize for 0, 1, 2, … with no skip and no repeat, ending exactly
 * when one player or none advances or after the last question.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advance, dueAt, isTerminal, registrationOpen, remainingCount, type Advance, type StepFacts, type StepKind } from '../../../lambda/domain/episode.ts';
import type { Episode, Question, QuestionStatistics } from '../../../lambda/domain/schemas.ts';
import { episode, question, stats, T0 } from './fixtures.ts';

type Transition = Extract<Advance, { kind: 'transition' }>;

interface Scenario {
  qLen: number;
  minParticipant: number;
  initialParticipants: number;
  windowS: number;
  revealS: number;
  leadS: number;
  settleMs: number;
  startAtOffset: number | null;
  /** Per question, the share (in %) of the players in the game that answer right. */
  survivalPct: number[];
  ticks: Tick[];
}

interface Tick {
  dt: number;
  register: number;
  duplicate: boolean;
  staleRunner: boolean;
  wrongFactsFirst: boolean;
}

const tickArb: fc.Arbitrary<Tick> = fc.record({
  dt: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 15_000 }) },
    { weight: 2, arbitrary: fc.integer({ min: -40_000, max: -1 }) }, // a runner with an older clock, or a late delivery
    { weight: 2, arbitrary: fc.constant(0) }, // the same instant again
    { weight: 1, arbitrary: fc.integer({ min: 15_000, max: 300_000 }) },
  ),
  register: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
  duplicate: fc.boolean(),
  staleRunner: fc.boolean(),
  wrongFactsFirst: fc.boolean(),
});

const zeroOr = (arb: fc.Arbitrary<number>) => fc.oneof(fc.constant(0), arb);

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    qLen: fc.integer({ min: 1, max: 10 }),
    minParticipant: fc.integer({ min: 1, max: 6 }),
    initialParticipants: fc.integer({ min: 0, max: 8 }),
    windowS: fc.integer({ min: 1, max: 20 }),
    revealS: zeroOr(fc.integer({ min: 1, max: 10 })),
    leadS: zeroOr(fc.integer({ min: 1, max: 120 })),
    settleMs: zeroOr(fc.integer({ min: 1, max: 8_000 })),
    startAtOffset: fc.option(fc.integer({ min: -60_000, max: 600_000 })),
    ticks: fc.array(tickArb, { maxLength: 150, size: 'max' }),
  })
  .chain((s) =>
    fc
      .array(fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 100 })), { minLength: s.qLen, maxLength: s.qLen })
      .map((survivalPct) => ({ ...s, survivalPct })),
  );

/** The runner's view of the stores: questions by id and statistics computed once per closed question. */
class World {
  readonly questions: Question[];
  readonly statistics = new Map<number, QuestionStatistics>();
  registered: number;

  constructor(readonly s: Scenario) {
    this.questions = Array.from({ length: s.qLen }, (_, i) => question(`q${i}`, i % 3, ['o0', 'o1', 'o2', 'o3'].slice(0, 2 + (i % 3))));
    this.registered = s.initialParticipants;
  }

  /** Deterministic: advancing counts never increase, starting from the participants frozen when question 0 opened. */
  stats(index: number, participantCount: number): QuestionStatistics {
    let st = this.statistics.get(index);
    if (!st) {
      const before = index === 0 ? participantCount : this.stats(index - 1, participantCount).advancing_count;
      const advancing = Math.floor((before * this.s.survivalPct[index]) / 100);
      st = stats(this.questions[index], index, advancing, before);
      this.statistics.set(index, st);
    }
    return st;
  }

  facts(need: Extract<Advance, { kind: 'needs' }>, e: Episode): StepFacts {
    expect(need.questionId).toBe(e.qset[need.questionIndex]);
    return need.step === 'open'
      ? { nextQuestion: this.questions[need.questionIndex] }
      : { statistics: this.stats(need.questionIndex, e.participant_count) };
  }

  /** Plausible but wrong facts: the neighbouring question, or statistics of another index. */
  wrongFacts(need: Extract<Advance, { kind: 'needs' }>, e: Episode): StepFacts {
    const other = need.questionIndex === 0 ? 1 : need.questionIndex - 1;
    if (need.step === 'open') {
      return other < this.questions.length ? { nextQuestion: this.questions[other] } : {};
    }
    return { statistics: { ...this.stats(need.questionIndex, e.participant_count), question_index: other }, nextQuestion: this.questions[need.questionIndex] };
  }
}

interface Committed {
  step: StepKind;
  now: number;
  before: Episode;
  after: Episode;
}

/** The episodes table: one item, written only with a condition on the version that was read. */
class Store {
  log: Committed[] = [];
  rejected = 0;
  constructor(public e: Episode) {}

  read(world: World): Episode {
    // registrations are counted elsewhere; the runner reads the count with the episode while registration can change it
    return this.e.current_question_index < 0 && !isTerminal(this.e) ? { ...this.e, participant_count: world.registered } : this.e;
  }

  conditionalWrite(readVersion: number, t: Transition, now: number, before: Episode): boolean {
    if (this.e.version !== readVersion) {
      this.rejected++;
      return false;
    }
    this.log.push({ step: t.step, now, before, after: t.episode });
    this.e = t.episode;
    return true;
  }
}

/** One runner step: advance, load the facts it asks for, advance again. Never more than one transition. */
function compute(world: World, snapshot: Episode, now: number, wrongFactsFirst: boolean): Transition | null {
  let r = advance(snapshot, now);
  if (r === null) {
    // nothing due: and nothing is due before dueAt
    const due = dueAt(snapshot);
    expect(due === null || now < due).toBe(true);
    return null;
  }
  if (r.kind === 'needs') {
    const need = r;
    if (wrongFactsFirst) {
      // facts that do not match the step are never used
      expect(advance(snapshot, now, world.wrongFacts(need, snapshot))).toEqual(need);
    }
    r = advance(snapshot, now, world.facts(need, snapshot));
    expect(r?.kind).toBe('transition');
  }
  const t = r as Transition;
  expect(t.episode.version).toBe(snapshot.version + 1);
  return t;
}

function run(s: Scenario) {
  const world = new World(s);
  const startAt = s.startAtOffset === null ? undefined : T0 + s.startAtOffset;
  const initial = episode(
    {
      min_participant: s.minParticipant,
      answer_window_seconds: s.windowS,
      reveal_seconds: s.revealS,
      lead_seconds: s.leadS,
      ...(startAt !== undefined ? { start_at: startAt } : {}),
    },
    { qset: world.questions.map((q) => q.id), settleMs: s.settleMs, participants: s.initialParticipants },
  );
  const store = new Store(initial);

  let clock = T0;
  let held: Episode | null = null; // what a slow runner read on the previous tick
  for (const tick of s.ticks) {
    clock += tick.dt;
    const now = clock;
    if (tick.register > 0 && registrationOpen(store.e, now)) world.registered += tick.register;

    // a slow runner that read the episode on the previous tick writes now
    if (tick.staleRunner && held) {
      const t = compute(world, held, now, false);
      if (t) {
        // accepted only when nobody moved the episode since it was read
        const current = store.e.version;
        expect(store.conditionalWrite(held.version, t, now, held)).toBe(held.version === current);
      }
    }

    // one or two runners reading the same version at the same instant
    const snapshot = store.read(world);
    const a = compute(world, snapshot, now, tick.wrongFactsFirst);
    if (tick.duplicate) {
      const b = compute(world, snapshot, now, !tick.wrongFactsFirst);
      expect(b).toEqual(a); // the step is a pure function of what was read
      if (a && b) {
        expect(store.conditionalWrite(snapshot.version, a, now, snapshot)).toBe(true);
        const versionBefore = store.e.version;
        expect(store.conditionalWrite(snapshot.version, b, now, snapshot)).toBe(false); // the duplicate loses
        expect(store.e.version).toBe(versionBefore);
      }
    } else if (a) {
      expect(store.conditionalWrite(snapshot.version, a, now, snapshot)).toBe(true);
    }
    held = store.read(world);
  }

  // Time passes far enough and enough players register: the episode must end within a bounded number of steps.
  const maxTransitions = 2 + 3 * s.qLen;
  let steps = 0;
  while (!isTerminal(store.e)) {
    expect(steps++).toBeLessThanOrEqual(maxTransitions);
    if (store.e.state === 'CREATED' && world.registered < store.e.min_participant) world.registered = store.e.min_participant;
    const snapshot = store.read(world);
    const due = dueAt(snapshot);
    expect(due).not.toBeNull();
    const now = Math.max(clock, due as number);
    const t = compute(world, snapshot, now, false);
    expect(t).not.toBeNull(); // dueAt is exact: at dueAt a step is always possible
    expect(store.conditionalWrite(snapshot.version, t as Transition, now, snapshot)).toBe(true);
    clock = now;
  }
  return { world, store };
}

function checkHistory(s: Scenario, world: World, store: Store) {
  const log = store.log;
  const final = store.e;
  expect(final.state).toBe('ENDED');
  expect(log.length).toBeLessThanOrEqual(2 + 3 * s.qLen);

  // versions: 0 → 1 → 2 → …, one per committed transition
  log.forEach((c, k) => {
    expect(c.before.version).toBe(k);
    expect(c.after.version).toBe(k + 1);
  });

  // the only legal history: start, then (open close finalize)+, then end
  const steps = log.map((c) => c.step);
  expect(steps[0]).toBe('start');
  expect(steps.at(-1)).toBe('end');
  const rest = steps.slice(1, -1);
  expect(rest.length % 3).toBe(0);
  const opened: number[] = [];
  for (let k = 0; k < rest.length; k += 3) {
    const last = k + 3 === rest.length;
    expect(rest.slice(k, k + 3)).toEqual(['open', 'close', 'finalize']);
    const [open, close, fin] = log.slice(1 + k, 4 + k);
    const i = open.after.current_question_index;
    opened.push(i);

    // open: the window and the public question, answer kept apart
    expect(open.before.finalized_index).toBe(i - 1);
    expect(open.after.state).toBe('QUESTION_OPEN');
    expect(open.after.question_start_timestamp).toBe(open.now);
    expect(open.after.question_end_timestamp).toBe(open.now + s.windowS * 1000);
    expect(open.after.current_question).toEqual({ id: `q${i}`, question: `What is q${i}?`, options: world.questions[i].options });
    expect(open.after.current_question).not.toHaveProperty('answer');
    expect(open.after.current_answer).toBe(world.questions[i].answer);
    expect(open.after.current_statistics).toBeUndefined();
    if (i === 0) {
      expect(open.now).toBeGreaterThanOrEqual((log[0].after.started_at as number) + s.leadS * 1000);
    } else {
      const prev = log[k]; // the finalize of question i-1: its results were shown for the whole reveal
      expect(open.now).toBeGreaterThanOrEqual(prev.now + s.revealS * 1000);
    }

    // close: not before the end of the window; same question; the previous counts still stand
    expect(close.after.state).toBe('QUESTION_CLOSED');
    expect(close.after.current_question_index).toBe(i);
    expect(close.now).toBeGreaterThanOrEqual(open.after.question_end_timestamp);
    expect(close.after.eliminated_count).toBe(open.after.eliminated_count);

    // finalize: after the settle time, with that question's statistics; the results are shown from now
    const st = world.statistics.get(i) as QuestionStatistics;
    expect(st.question_index).toBe(i);
    expect(fin.now).toBeGreaterThanOrEqual(open.after.question_end_timestamp + s.settleMs);
    expect(fin.after.state).toBe('QUESTION_RESULTS');
    expect(fin.after.finalized_index).toBe(i);
    expect(fin.after.eliminated_count).toBe(fin.after.participant_count - st.advancing_count);
    expect(fin.after.current_statistics).toEqual(st);
    expect(fin.after.next_step_at).toBe(fin.now + s.revealS * 1000);
    expect(remainingCount(fin.after)).toBe(st.advancing_count);
    // the show ends after these results exactly when this was the last question or one player or none is left
    expect(st.advancing_count <= 1 || i === s.qLen - 1).toBe(last);
    if (last) {
      const end = log[log.length - 1];
      expect(end.now).toBeGreaterThanOrEqual(fin.now + s.revealS * 1000);
      expect(end.after.end_reason).toBe(i === s.qLen - 1 ? 'last_question' : 'one_or_none_left');
      expect(end.after.ended_at).toBe(end.now);
      expect(end.after.eliminated_count).toBe(fin.after.eliminated_count);
    }
  }
  // opened indexes are exactly 0, 1, 2, …: no skip, no repeat
  expect(opened).toEqual(opened.map((_, k) => k));
  expect(opened.length).toBeGreaterThanOrEqual(1);

  // it started only with enough players and not before start_at
  const start = log[0];
  expect(start.before.participant_count).toBeGreaterThanOrEqual(s.minParticipant);
  if (s.startAtOffset !== null) expect(start.now).toBeGreaterThanOrEqual(T0 + s.startAtOffset);
  expect(start.after.next_step_at).toBe(start.now + s.leadS * 1000);

  // participant_count is frozen once question 0 opened; counts add up
  const frozen = log[1].after.participant_count;
  for (const c of log.slice(1)) expect(c.after.participant_count).toBe(frozen);
  expect(final.participant_count).toBe(world.registered);
  expect(final.eliminated_count + remainingCount(final)).toBe(final.participant_count);

  // advancing counts never increase and the episode never outlives a question where ≤ 1 advanced
  const adv = opened.map((i) => (world.statistics.get(i) as QuestionStatistics).advancing_count);
  adv.forEach((a, k) => {
    expect(a).toBeLessThanOrEqual(k === 0 ? frozen : adv[k - 1]);
    if (k < adv.length - 1) expect(a).toBeGreaterThan(1);
  });
  expect(opened.length).toBe(adv.findIndex((a) => a <= 1) === -1 ? s.qLen : adv.findIndex((a) => a <= 1) + 1);

  // once over, nothing ever advances again
  expect(dueAt(final)).toBeNull();
  expect(advance(final, Number.MAX_SAFE_INTEGER, { nextQuestion: world.questions[0], statistics: world.stats(0, 0) })).toBeNull();
}

describe('episode lifecycle (property)', () => {
  it('any tick sequence commits exactly one legal history, and it always ends', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { world, store } = run(s);
        checkHistory(s, world, store);
      }),
      { numRuns: 400 },
    );
  });

  it('a duplicated runner never writes a second transition at the same version', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const dup = { ...s, ticks: s.ticks.map((t) => ({ ...t, duplicate: true })) };
        const { world, store } = run(dup);
        checkHistory(dup, world, store);
        const versions = store.log.map((c) => c.after.version);
        expect(new Set(versions).size).toBe(versions.length);
      }),
      { numRuns: 150 },
    );
  });

  it('advance is null strictly before dueAt and a transition (given its facts) from dueAt on', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 100_000 }), (s, late) => {
        const { world, store } = run(s);
        for (const c of store.log) {
          const e = c.before;
          const due = dueAt(e) as number;
          const allFacts = (i: number): StepFacts =>
            e.state === 'QUESTION_CLOSED' && e.finalized_index < e.current_question_index
              ? { statistics: world.stats(e.current_question_index, e.participant_count) }
              : { nextQuestion: world.questions[i] };
          const nextIndex = e.state === 'STARTED' ? 0 : e.current_question_index + 1;
          expect(advance(e, due - 1, allFacts(nextIndex))).toBeNull();
          const atDue = advance(e, due, allFacts(nextIndex));
          expect(atDue?.kind).toBe('transition');
          expect((atDue as Transition).step).toBe(c.step);
          expect(advance(e, due + late, allFacts(nextIndex))?.kind).toBe('transition');
        }
      }),
      { numRuns: 100 },
    );
  });
});
