/**
 * The grader's partials stay exact whatever Lambda does with a batch that spans several questions: retry it whole,
 * bisect it after some of its partials were written, or hand it over again shorter.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { answerPartials, emptyTally, sumPartials, sumTallies, type Partial, type Tally } from '../../../lambda/domain/counting.ts';

interface Rec {
  sequence: string;
  record: { added: { episode_id: string; question_index: number; answer: number; correct: boolean } };
}

const records = fc
  .array(fc.record({ episode: fc.constantFrom('e0', 'e1', 'e2'), question: fc.integer({ min: 0, max: 1 }), answer: fc.integer({ min: 0, max: 2 }) }), {
    minLength: 1,
    maxLength: 60,
  })
  .map((rs) =>
    rs.map(
      (r, i): Rec => ({
        sequence: String(1000 + i * 7),
        record: { added: { episode_id: r.episode, question_index: r.question, answer: r.answer, correct: r.answer === 0 } },
      }),
    ),
  );


const moves = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('write-some' as const), keep: fc.integer({ min: 0, max: 5 }) }),
    fc.constant({ kind: 'bisect' as const }),
    fc.record({ kind: fc.constant('shorter' as const), length: fc.integer({ min: 1, max: 40 }) }),
    fc.constant({ kind: 'whole' as const }),
  ),
  { maxLength: 12 },
);

/** Ground truth, counted directly from the records. */
function truth(all: Rec[]): Map<string, Tally> {
  const t = new Map<string, Tally>();
  for (const { record } of all) {
    const key = `${record.added.episode_id}#q${record.added.question_index}`;
    const tally = t.get(key) ?? { counts: [0, 0, 0], correct: 0, total: 0 };
    tally.counts[record.added.answer]++;
    tally.correct += record.added.correct ? 1 : 0;
    tally.total++;
    t.set(key, tally);
  }
  return t;
}

describe('grader partials under Lambda retries', () => {
  it('sum to the ground truth per question whatever happens to the batches', () => {
    fc.assert(
      fc.property(records, moves, fc.integer({ min: 1, max: 25 }), (all, script, batchSize) => {
        const store = new Map<string, Map<string, Partial<Tally>>>();
        const write = (batch: Rec[], limit = Infinity) => {
          let n = 0;
          for (const [pk, p] of answerPartials(batch)) {
            if (n++ >= limit) break;
            const group = store.get(pk) ?? new Map<string, Partial<Tally>>();
            group.set(p.firstSequence, p);
            store.set(pk, group);
          }
        };
        // Replay the stream batch by batch; before each batch finally succeeds, apply some of the scripted faults.
        let at = 0;
        let step = 0;
        while (at < all.length) {
          const batch = all.slice(at, at + batchSize);
          const move = script[step++];
          if (move?.kind === 'write-some') write(batch, move.keep); // partial writes, then a failure
          if (move?.kind === 'bisect') {
            const mid = Math.ceil(batch.length / 2);
            write(batch); // the batch wrote everything, then timed out: Lambda bisects it
            write(batch.slice(0, mid));
            write(batch.slice(mid));
            at += batch.length;
            continue;
          }
          if (move?.kind === 'shorter') {
            const shorter = all.slice(at, at + Math.min(move.length, batchSize));
            write(shorter);
            at += shorter.length;
            continue;
          }
          write(batch);
          if (move?.kind === 'whole') write(batch); // delivered again after success
          at += batch.length;
        }
        const expected = truth(all);
        for (const [pk, tally] of expected) {
          const got = sumPartials([...(store.get(pk)?.values() ?? [])], emptyTally(), sumTallies);
          expect(got.total).toBe(tally.total);
          expect(got.correct).toBe(tally.correct);
          expect([0, 1, 2].map((i) => got.counts[i] ?? 0)).toEqual(tally.counts);
        }
        // Independent ground truth: count the records directly.
        const total = all.length;
        const summed = [...store.values()].reduce((n, g) => n + sumPartials([...g.values()], emptyTally(), sumTallies).total, 0);
        expect(summed).toBe(total);
      }),
      { numRuns: 400 },
    );
  });
});
