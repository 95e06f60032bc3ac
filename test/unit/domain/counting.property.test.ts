/**
 * Exact counting without hot keys: a stream of graded answers is cut into batches however Lambda likes, each batch
 * is added up in memory and written as partials keyed by the batch's first sequence number, and the sum of the
 * partials must equal the ground truth — with retried batches and with bisected batches.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToTally,
  aggregateChanges,
  aggregateResponses,
  buildStatistics,
  emptyTally,
  partialSortKey,
  registrationsKey,
  statisticsKey,
  sumPartials,
  sumTallies,
  survivalCurve,
  type AnswerChange,
  type GroupedTallies,
  type Partial,
  type Tally,
} from '../../../lambda/domain/counting.ts';
import type { Question, QuestionStatistics, Response } from '../../../lambda/domain/schemas.ts';
import { question, stats } from './fixtures.ts';

// ---------------------------------------------------------------- the stream

const EPISODES = ['ep-a', 'ep-b', 'ep-c'];
const QUESTIONS_PER_EPISODE = 4;

interface GroupConfig {
  options: number;
  right: number;
}

type Rec = Pick<Response, 'episode_id' | 'question_index' | 'answer' | 'correct'> & { seq: string };

type Fate = 'ok' | 'retry' | 'fail';

interface Scenario {
  groups: GroupConfig[];
  records: Rec[];
  /** cut[i]: a new batch starts at record i (record 0 always starts one). */
  cuts: boolean[];
  /** What happens to each batch Lambda invokes, consumed in order; 'ok' once exhausted. */
  fates: Fate[];
}

const groupArb: fc.Arbitrary<GroupConfig> = fc
  .integer({ min: 2, max: 4 })
  .chain((options) => fc.integer({ min: 0, max: options - 1 }).map((right) => ({ options, right })));

/** DynamoDB stream sequence numbers: increasing decimal strings whose length grows over time. */
const sequenceOf = (i: number) => (BigInt('9' + '0'.repeat(18)) + BigInt(i) * 7919n).toString();

function scenarioArb(opts: { maxGroups?: number; maxRecords?: number } = {}): fc.Arbitrary<Scenario> {
  const maxGroups = opts.maxGroups ?? EPISODES.length * QUESTIONS_PER_EPISODE;
  return fc
    .record({
      groups: fc.array(groupArb, { minLength: EPISODES.length * QUESTIONS_PER_EPISODE, maxLength: EPISODES.length * QUESTIONS_PER_EPISODE }),
      picks: fc.array(fc.record({ group: fc.nat(maxGroups - 1), option: fc.nat(3), cut: fc.boolean() }), { maxLength: opts.maxRecords ?? 200, size: 'max' }),
      fates: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant<Fate>('ok') }, fc.constant<Fate>('retry'), { weight: 2, arbitrary: fc.constant<Fate>('fail') }), {
        maxLength: 300,
        size: 'max',
      }),
    })
    .map(({ groups, picks, fates }) => ({
      groups,
      fates,
      cuts: picks.map((p, i) => i === 0 || p.cut),
      records: picks.map((p, i) => {
        const g = groups[p.group];
        const answer = p.option % g.options;
        return {
          episode_id: EPISODES[Math.floor(p.group / QUESTIONS_PER_EPISODE)],
          question_index: p.group % QUESTIONS_PER_EPISODE,
          answer,
          correct: answer === g.right,
          seq: sequenceOf(i),
        };
      }),
    }));
}

function batchesOf(s: Scenario): Rec[][] {
  const batches: Rec[][] = [];
  s.records.forEach((r, i) => {
    if (s.cuts[i]) batches.push([]);
    (batches.at(-1) as Rec[]).push(r);
  });
  return batches;
}

/** The ground truth: every record counted once, per (episode, question), option by option. */
function truth(records: Rec[]): Map<string, { counts: number[]; correct: number; total: number }> {
  const t = new Map<string, { counts: number[]; correct: number; total: number }>();
  for (const r of records) {
    const key = statisticsKey(r.episode_id, r.question_index);
    const g = t.get(key) ?? { counts: [0, 0, 0, 0], correct: 0, total: 0 };
    g.counts[r.answer]++;
    g.total++;
    if (r.correct) g.correct++;
    t.set(key, g);
  }
  return t;
}

const pad = (counts: number[], n = 4) => [...counts, ...new Array<number>(Math.max(0, n - counts.length)).fill(0)];

function expectTally(actual: Tally, expected: { counts: number[]; correct: number; total: number }) {
  expect(pad(actual.counts)).toEqual(expected.counts);
  expect(actual.correct).toBe(expected.correct);
  expect(actual.total).toBe(expected.total);
  expect(actual.counts.reduce((a, b) => a + b, 0)).toBe(actual.total); // option counts add up to the total
}

// ---------------------------------------------------------------- the stores

/** Per (episode, question) group, the partials as written, in write order (a put on the same key overwrites). */
class PartialStore<T> {
  readonly writes = new Map<string, Partial<T>[]>();
  put(group: string, p: Partial<T>) {
    const list = this.writes.get(group) ?? [];
    list.push(p);
    this.writes.set(group, list);
  }
  /** What the table holds: the last write per key. */
  items(group: string): Partial<T>[] {
    const byKey = new Map<string, Partial<T>>();
    for (const p of this.writes.get(group) ?? []) byKey.set(partialSortKey(p.firstSequence), p);
    return [...byKey.values()];
  }
}

/** The stream processor: one partial per group touched by the batch, keyed by the batch's first record. */
function writeGroupPartials(store: PartialStore<Tally>, batch: Rec[]) {
  for (const [group, value] of aggregateResponses(batch)) {
    store.put(group, { firstSequence: batch[0].seq, lastSequence: (batch.at(-1) as Rec).seq, value });
  }
}

/**
 * Lambda invoking the processor on a batch: 'ok' writes once; 'retry' writes, then the invocation fails anyway
 * (say, a timeout) and the same batch is delivered and written again; 'fail' fails before writing anything and
 * Lambda bisects it, each half meeting its own fate. A batch that was written is only ever re-delivered whole
 * (the processors never report a failure after writing, see counting.ts), so there 'fail' means a plain retry.
 */
function deliver<T>(batch: T[], fates: Fate[], write: (batch: T[]) => void, written = false) {
  const fate = fates.shift() ?? 'ok';
  if (fate === 'ok') return write(batch);
  if (fate === 'retry' || written || batch.length === 1) {
    if (fate === 'retry') write(batch);
    return deliver(batch, fates, write, written || fate === 'retry');
  }
  const mid = Math.ceil(batch.length / 2);
  deliver(batch.slice(0, mid), fates, write);
  deliver(batch.slice(mid), fates, write);
}

// ---------------------------------------------------------------- properties

describe('aggregateResponses', () => {
  it('adds up each (episode, question) exactly, whatever the order of the records', () => {
    fc.assert(
      fc.property(scenarioArb(), fc.integer(), (s, seed) => {
        const expected = truth(s.records);
        const shuffled = fc.sample(fc.shuffledSubarray(s.records, { minLength: s.records.length }), { seed, numRuns: 1 })[0];
        for (const records of [s.records, shuffled]) {
          const groups = aggregateResponses(records);
          expect([...groups.keys()].sort()).toEqual([...expected.keys()].sort());
          for (const [key, tally] of groups) expectTally(tally, expected.get(key) as never);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keys groups as episode#q<index>', () => {
    const g = aggregateResponses([
      { episode_id: 'e1', question_index: 0, answer: 1, correct: true },
      { episode_id: 'e1', question_index: 0, answer: 0, correct: false },
      { episode_id: 'e1', question_index: 1, answer: 3, correct: true },
      { episode_id: 'e2', question_index: 0, answer: 1, correct: false },
    ]);
    expect(Object.fromEntries(g)).toEqual({
      'e1#q0': { counts: [1, 1], correct: 1, total: 2 },
      'e1#q1': { counts: [0, 0, 0, 1], correct: 1, total: 1 },
      'e2#q0': { counts: [0, 1], correct: 0, total: 1 },
    });
    expect(statisticsKey('e1', 3)).toBe('e1#q3');
    expect(registrationsKey('e1')).toBe('e1#registrations');
    expect(aggregateResponses([]).size).toBe(0);
  });
});

describe('partials summed over any batching', () => {
  it('any partition into batches, with retried and bisected batches, sums to the ground truth', () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const store = new PartialStore<Tally>();
        const fates = [...s.fates];
        for (const batch of batchesOf(s)) deliver(batch, fates, (b) => writeGroupPartials(store, b));

        const expected = truth(s.records);
        expect([...store.writes.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [group, exp] of expected) {
          // the raw write log (sumPartials keeps the last write per first sequence) and the table's items agree
          const fromLog = sumPartials(store.writes.get(group) ?? [], emptyTally(), sumTallies);
          const fromItems = sumPartials(store.items(group), emptyTally(), sumTallies);
          expectTally(fromLog, exp);
          expect(fromItems).toEqual(fromLog);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a batch partial overwritten by its left half after Lambda bisects it is still exact, per group, when the batch holds one group', () => {
    // One open question per episode: the usual live case. The failed attempt wrote its partial, then Lambda bisected.
    fc.assert(
      fc.property(scenarioArb({ maxGroups: 1 }), fc.array(fc.boolean(), { maxLength: 300, size: 'max' }), (s, failAfterWrite) => {
        const store = new PartialStore<Tally>();
        const flags = [...failAfterWrite];
        const run = (batch: Rec[]) => {
          writeGroupPartials(store, batch);
          if (flags.shift() && batch.length > 1) {
            const mid = Math.ceil(batch.length / 2);
            run(batch.slice(0, mid));
            run(batch.slice(mid));
          }
        };
        for (const batch of batchesOf(s)) run(batch);
        for (const [group, exp] of truth(s.records)) {
          expectTally(sumPartials(store.items(group), emptyTally(), sumTallies), exp);
          expectTally(sumPartials(store.writes.get(group) ?? [], emptyTally(), sumTallies), exp);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('one partial item per batch (all groups in one value) stays exact when a written batch is retried or bisected', () => {
    const mergeGroups = (a: GroupedTallies, b: GroupedTallies): GroupedTallies => {
      const out = new Map(a);
      for (const [k, t] of b) out.set(k, sumTallies(out.get(k) ?? emptyTally(), t));
      return out;
    };
    fc.assert(
      fc.property(scenarioArb(), fc.array(fc.constantFrom('ok', 'retry', 'bisect'), { maxLength: 300, size: 'max' }), (s, plan) => {
        const writes: Partial<GroupedTallies>[] = [];
        const steps = [...plan];
        const run = (batch: Rec[]) => {
          writes.push({ firstSequence: batch[0].seq, lastSequence: (batch.at(-1) as Rec).seq, value: aggregateResponses(batch) });
          const next = steps.shift() ?? 'ok';
          if (next === 'retry') run(batch);
          else if (next === 'bisect' && batch.length > 1) {
            const mid = Math.ceil(batch.length / 2);
            run(batch.slice(0, mid)); // starts with the same record: overwrites the whole batch's partial
            run(batch.slice(mid)); // starts elsewhere: its own partial
          }
        };
        for (const batch of batchesOf(s)) run(batch);
        const total = sumPartials(writes, new Map() as GroupedTallies, mergeGroups);
        const expected = truth(s.records);
        expect([...total.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [group, exp] of expected) expectTally(total.get(group) as Tally, exp);
      }),
      { numRuns: 200 },
    );
  });
});

describe('aggregateChanges: answers replaced in place', () => {
  type Counted = Pick<Response, 'episode_id' | 'question_index' | 'answer' | 'correct'>;

  it('an answer replaced by another moves its count; summed partials equal the answers finally stored', () => {
    const opArb = fc.record({ group: fc.nat(11), user: fc.nat(9), option: fc.nat(3), cut: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(groupArb, { minLength: 12, maxLength: 12 }),
        fc.array(opArb, { maxLength: 200, size: 'max' }),
        fc.array(fc.constantFrom<Fate>('ok', 'ok', 'retry', 'fail'), { maxLength: 300, size: 'max' }),
        (groups, ops, fates) => {
          // the responses table, one item per (episode, question, user), and its stream of INSERT / MODIFY records
          const table = new Map<string, Counted>();
          const stream: (AnswerChange & { seq: string })[] = [];
          ops.forEach((op, i) => {
            const g = groups[op.group];
            const answer = op.option % g.options;
            const item: Counted = {
              episode_id: EPISODES[Math.floor(op.group / QUESTIONS_PER_EPISODE)],
              question_index: op.group % QUESTIONS_PER_EPISODE,
              answer,
              correct: answer === g.right,
            };
            const key = `${op.group}/${op.user}`;
            const before = table.get(key);
            table.set(key, item);
            stream.push({ added: item, ...(before ? { replaced: before } : {}), seq: sequenceOf(i) });
          });
          const expected = truth([...table.values()].map((r) => ({ ...r, seq: '' })));

          type Change = (typeof stream)[number];
          const store = new PartialStore<Tally>();
          const batches: Change[][] = [];
          stream.forEach((c, i) => (i === 0 || ops[i].cut ? batches.push([c]) : (batches.at(-1) as Change[]).push(c)));
          const write = (batch: Change[]) => {
            for (const [group, value] of aggregateChanges(batch)) {
              store.put(group, { firstSequence: batch[0].seq, lastSequence: (batch.at(-1) as Change).seq, value });
            }
          };
          const queue = [...fates];
          for (const batch of batches) deliver(batch, queue, write);

          for (const [group, exp] of expected) expectTally(sumPartials(store.items(group), emptyTally(), sumTallies), exp);
          // groups whose answers all moved elsewhere add up to nothing
          for (const group of store.writes.keys()) {
            if (!expected.has(group)) expect(sumPartials(store.items(group), emptyTally(), sumTallies).total).toBe(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('concrete: a replaced answer leaves -1 on its old option and +1 on the new one', () => {
    const wrong = { episode_id: 'e1', question_index: 0, answer: 2, correct: false };
    const right = { episode_id: 'e1', question_index: 0, answer: 1, correct: true };
    expect(Object.fromEntries(aggregateChanges([{ added: right, replaced: wrong }]))).toEqual({
      'e1#q0': { counts: [0, 1, -1], correct: 1, total: 0 },
    });
    expect(Object.fromEntries(aggregateChanges([{ added: wrong }, { added: right, replaced: wrong }]))).toEqual({
      'e1#q0': { counts: [0, 1, 0], correct: 1, total: 1 },
    });
  });
});

describe('sumPartials', () => {
  const p = (firstSequence: string, value: number): Partial<number> => ({ firstSequence, lastSequence: firstSequence, value });
  const add = (a: number, b: number) => a + b;

  it('sums distinct partials, keeps the last write of a repeated first sequence, and is zero when empty', () => {
    expect(sumPartials([], 0, add)).toBe(0);
    expect(sumPartials([p('100', 3), p('200', 4)], 0, add)).toBe(7);
    expect(sumPartials([p('100', 3), p('200', 4), p('100', 3)], 0, add)).toBe(7);
    expect(sumPartials([p('100', 10), p('200', 4), p('100', 3)], 0, add)).toBe(7); // the left half overwrote the batch
  });

  it('is independent of the order of distinct partials', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.nat(1000)), { selector: ([s]) => s }), (items) => {
        const partials = items.map(([s, v]) => p(s.toString(), v));
        const expected = items.reduce((a, [, v]) => a + v, 0);
        expect(sumPartials(partials, 0, add)).toBe(expected);
        expect(sumPartials([...partials].reverse(), 0, add)).toBe(expected);
        expect(sumPartials([...partials, ...partials], 0, add)).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('partialSortKey orders keys as the sequence numbers are ordered', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 39n }), fc.bigInt({ min: 0n, max: 10n ** 39n }), (a, b) => {
        const ka = partialSortKey(a.toString());
        const kb = partialSortKey(b.toString());
        expect(ka).toHaveLength(42);
        expect(ka.startsWith('p#')).toBe(true);
        expect(Math.sign(ka.localeCompare(kb, 'en'))).toBe(a < b ? -1 : a > b ? 1 : 0);
        expect(ka < kb).toBe(a < b);
      }),
      { numRuns: 300 },
    );
    expect(partialSortKey('123')).toBe(`p#${'0'.repeat(37)}123`);
  });
});

describe('tallies', () => {
  it('addToTally grows the option list as needed and never mutates', () => {
    const t0 = emptyTally(3);
    expect(t0).toEqual({ counts: [0, 0, 0], correct: 0, total: 0 });
    const t1 = addToTally(t0, { answer: 1, correct: true });
    expect(t0).toEqual({ counts: [0, 0, 0], correct: 0, total: 0 });
    expect(t1).toEqual({ counts: [0, 1, 0], correct: 1, total: 1 });
    expect(addToTally(emptyTally(), { answer: 3, correct: false })).toEqual({ counts: [0, 0, 0, 1], correct: 0, total: 1 });
  });

  it('sumTallies is commutative and associative with emptyTally as zero', () => {
    const tallyArb = fc
      .array(fc.record({ answer: fc.nat(3), correct: fc.boolean() }), { maxLength: 30 })
      .map((rs) => rs.reduce(addToTally, emptyTally()));
    fc.assert(
      fc.property(tallyArb, tallyArb, tallyArb, (a, b, c) => {
        expect(pad(sumTallies(a, b).counts)).toEqual(pad(sumTallies(b, a).counts));
        expect(sumTallies(sumTallies(a, b), c)).toEqual(sumTallies(a, sumTallies(b, c)));
        expect(sumTallies(a, emptyTally())).toEqual(a);
        const s = sumTallies(a, b);
        expect(s.total).toBe(a.total + b.total);
        expect(s.correct).toBe(a.correct + b.correct);
        expect(s.counts.reduce((x, y) => x + y, 0)).toBe(s.total);
      }),
      { numRuns: 200 },
    );
  });
});

describe('buildStatistics', () => {
  it('one answer_counts entry per option in order; advancing = right answers; eliminated = players_before - advancing', () => {
    fc.assert(
      fc.property(
        groupArb,
        fc.array(fc.nat(3), { maxLength: 60 }),
        fc.nat(10),
        fc.nat(100),
        (g, picks, index, silent) => {
          const q: Question = question(`q-${index}`, g.right, ['A', 'B', 'C', 'D'].slice(0, g.options));
          const answers = picks.map((p) => p % g.options);
          const tally = answers.map((answer) => ({ answer, correct: answer === g.right })).reduce(addToTally, emptyTally());
          const playersBefore = answers.length + silent; // some players stayed silent
          const st = buildStatistics(q, index, tally, playersBefore);
          const right = answers.filter((a) => a === g.right).length;

          expect(st.question_index).toBe(index);
          expect(st.question_id).toBe(`q-${index}`);
          expect(st.correct_answer).toBe(String(g.right));
          expect(st.answer_counts).toEqual(
            Array.from({ length: g.options }, (_, i) => ({ answer: String(i), count: answers.filter((a) => a === i).length, correct: i === g.right })),
          );
          expect(st.answer_counts.reduce((a, c) => a + c.count, 0)).toBe(answers.length);
          expect(st.answered_count).toBe(answers.length);
          expect(st.advancing_count).toBe(right);
          expect(st.answer_counts.filter((c) => c.correct)).toEqual([{ answer: String(g.right), count: right, correct: true }]);
          expect(st.players_before).toBe(playersBefore);
          expect(st.eliminated_count).toBe(playersBefore - right);
          expect(st.advancing_count + st.eliminated_count).toBe(st.players_before);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('concrete: 4 options, nobody picked the last one, two players silent', () => {
    const q = question('q7', 2, ['red', 'green', 'blue', 'black']);
    const tally: Tally = { counts: [3, 0, 5], correct: 5, total: 8 };
    expect(buildStatistics(q, 3, tally, 10)).toEqual({
      question_index: 3,
      question_id: 'q7',
      correct_answer: '2',
      answer_counts: [
        { answer: '0', count: 3, correct: false },
        { answer: '1', count: 0, correct: false },
        { answer: '2', count: 5, correct: true },
        { answer: '3', count: 0, correct: false },
      ],
      answered_count: 8,
      advancing_count: 5,
      eliminated_count: 5,
      players_before: 10,
    });
  });

  it('no answers at all: everyone is eliminated', () => {
    const st = buildStatistics(question('q1', 0, ['x', 'y']), 0, emptyTally(), 4);
    expect(st.answer_counts).toEqual([
      { answer: '0', count: 0, correct: true },
      { answer: '1', count: 0, correct: false },
    ]);
    expect(st.advancing_count).toBe(0);
    expect(st.eliminated_count).toBe(4);
  });
});

describe('survivalCurve', () => {
  it('starts with everyone and then follows advancing counts in question order', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 0, maxLength: 10 }), fc.integer(), (participants, pcts, seed) => {
        const all: QuestionStatistics[] = [];
        let before = participants;
        pcts.forEach((pct, i) => {
          const adv = Math.floor((before * pct) / 100);
          all.push(stats(question(`q${i}`), i, adv, before));
          before = adv;
        });
        const shuffled = fc.sample(fc.shuffledSubarray(all, { minLength: all.length }), { seed, numRuns: 1 })[0];
        const curve = survivalCurve(participants, shuffled);
        expect(curve).toEqual([
          { after_question: -1, remaining: participants },
          ...all.map((s) => ({ after_question: s.question_index, remaining: s.advancing_count })),
        ]);
        for (let k = 1; k < curve.length; k++) expect(curve[k].remaining).toBeLessThanOrEqual(curve[k - 1].remaining);
        expect(shuffled).toHaveLength(all.length); // the input is not consumed
      }),
      { numRuns: 200 },
    );
  });

  it('concrete', () => {
    const s0 = stats(question('a'), 0, 6, 10);
    const s1 = stats(question('b'), 1, 2, 6);
    expect(survivalCurve(10, [s1, s0])).toEqual([
      { after_question: -1, remaining: 10 },
      { after_question: 0, remaining: 6 },
      { after_question: 1, remaining: 2 },
    ]);
    expect(survivalCurve(3, [])).toEqual([{ after_question: -1, remaining: 3 }]);
  });
});
