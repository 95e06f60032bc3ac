/**
 * The grader's counting half: answers are graded when stored, so each batch of stored answers is added up per
 * (episode, question) in memory and written as one partial per group. No per-answer write to a shared item.
 * An answer replaced by an earlier one (a duplicate stored out of order) moves its count from the old to the new.
 */
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { answerPartials } from '../domain/counting.ts';
import type { Response } from '../domain/schemas.ts';
import { logger, observed } from '../shared/powertools.ts';
import { putPartial } from '../store/statistics.ts';
import { allOrNothing } from './batches.ts';

const isCountable = (r: Response) =>
  typeof r.episode_id === 'string' && Number.isInteger(r.question_index) && Number.isInteger(r.answer) && typeof r.correct === 'boolean';

const base = async (event: DynamoDBStreamEvent, _context: Context) =>
  allOrNothing<Response>(event, isCountable, async (batch) => {
    const partials = answerPartials(
      batch.changes.map(({ sequence, after, before }) => ({ sequence, record: { added: after, ...(before ? { replaced: before } : {}) } })),
    );
    await Promise.all([...partials].map(([pk, partial]) => putPartial(pk, partial)));
    logger.debug('scored batch', { changes: batch.changes.length, groups: partials.size });
  });

export const handler = observed(base);
