/**
 * The original system's answer path, rebuilt for comparison (shared/seeds/001_…): the handler checks the episode,
 * stores the response, and counts it at once with atomic increments, one request each:
 *   1. PutItem the response;
 *   2. ADD to the episode's answer counter;
 *   3. ADD to the episode's outcome counter (advancing or eliminated);
 *   4. ADD to the question's statistics item (the chosen option);
 *   5. UpdateItem the participant (its last answer, eliminated or not).
 * Every answer of a show writes the same episode item twice and the same statistics item once: hot keys.
 * It uses this project's tables (with its own keys) so both paths run against the same DynamoDB Local.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { httpHandler, json } from '../../lambda/http/httpHandler.ts';
import { responseInput } from '../../lambda/domain/schemas.ts';
import { conflict, notFound } from '../../lambda/domain/errors.ts';
import { documents } from '../../lambda/store/clients.ts';
import { tableName } from '../../lambda/shared/env.ts';

interface BaselineEpisode {
  id: string;
  question_id: string;
  answer: number;
  question_end_timestamp: number;
}

export const handler = httpHandler({ auth: 'user', body: responseInput }, async ({ body, caller, now }) => {
  const episodeKey = { id: `baseline#${body.episode_id}` };
  const found = await documents.send(new GetCommand({ TableName: tableName('episodes'), Key: episodeKey }));
  const episode = found.Item as BaselineEpisode | undefined;
  if (!episode) throw notFound('episode', body.episode_id);
  if (episode.question_id !== body.question_id || now > episode.question_end_timestamp) throw conflict('answer_window_closed', 'closed');
  const userId = caller!.sub;
  const correct = body.answer === episode.answer;
  await documents.send(
    new PutCommand({
      TableName: tableName('responses'),
      Item: { pk: `baseline#${body.episode_id}#${body.question_id}`, user_id: userId, answer: body.answer, correct, received_at: now },
    }),
  );
  await documents.send(
    new UpdateCommand({ TableName: tableName('episodes'), Key: episodeKey, UpdateExpression: 'ADD answer_count :one', ExpressionAttributeValues: { ':one': 1 } }),
  );
  await documents.send(
    new UpdateCommand({
      TableName: tableName('episodes'),
      Key: episodeKey,
      UpdateExpression: `ADD ${correct ? 'advancing_count' : 'eliminated_count'} :one`,
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
  await documents.send(
    new UpdateCommand({
      TableName: tableName('statistics'),
      Key: { pk: `baseline#${body.episode_id}#${body.question_id}`, sk: 'counts' },
      UpdateExpression: 'ADD #option :one',
      ExpressionAttributeNames: { '#option': `option_${body.answer}` },
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
  await documents.send(
    new UpdateCommand({
      TableName: tableName('participants'),
      Key: { pk: `baseline#${body.episode_id}`, user_id: userId },
      UpdateExpression: 'SET last_answer = :a, eliminated = :e',
      ExpressionAttributeValues: { ':a': body.answer, ':e': !correct },
    }),
  );
  return json(202, { status: 'accepted', received_at: now });
});
