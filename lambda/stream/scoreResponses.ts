/**
 * The grader's counting half: answers are graded when stored, so each batch of stored answers is added up per
 * (episode, question) in memory and written as one partial per group. No per-answer write to a shared item.
 * An answer replaced by an earlier one (a duplicate stored out of order) moves its count from the old to the new.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { aggregateChanges } from '../domain/counting.ts';
import type { Response } from '../domain/schemas.ts';
import { logger } from '../shared/powertools.ts';
import { putPartial } from '../store/statistics.ts';
import { allOrNothing } from './batches.ts';

const base = async (event: DynamoDBStreamEvent, _context: Context) =>
  allOrNothing<Response>(event, async (batch) => {
    const groups = aggregateChanges([
      ...batch.inserted.map((added) => ({ added })),
      ...batch.modified.map(({ before, after }) => ({ added: after, replaced: before })),
    ]);
    await Promise.all(
      [...groups].map(([pk, tally]) => putPartial(pk, { firstSequence: batch.firstSequence, lastSequence: batch.lastSequence, value: tally })),
    );
    logger.debug('scored batch', { answers: batch.inserted.length, groups: groups.size });
  });

export const handler = middy(base).use(injectLambdaContext(logger, { resetKeys: true }));
