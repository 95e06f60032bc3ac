import { badRequest } from '../domain/errors.ts';
import { DEFAULT_QUERY_RANGE_MS, MAX_QUERY_RANGE_MS, errorsQuery, parseInstant, type ErrorsPage } from '../domain/operations.ts';
import { httpHandler, json } from './httpHandler.ts';
import { queryErrors } from '../store/errorRecords.ts';

/** `GET /api/v1/errors?reason=&episode_id=&from=&to=&limit=`: recorded rejections and dead letters, newest first (admins). */
export const handler = httpHandler({ auth: 'admin', query: errorsQuery }, async ({ query: q, now }) => {
  const to = q.to !== undefined ? parseInstant(q.to) : now;
  const from = q.from !== undefined ? parseInstant(q.from) : to - DEFAULT_QUERY_RANGE_MS;
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw badRequest('invalid_query', '`from` and `to` must be epoch milliseconds or ISO 8601 times');
  if (from > to) throw badRequest('invalid_range', '`from` is after `to`');
  if (to - from > MAX_QUERY_RANGE_MS) throw badRequest('range_too_large', 'a query covers at most 7 days');
  const { items, truncated } = await queryErrors({ reason: q.reason, episodeId: q.episode_id, from, to, limit: q.limit ?? 100 });
  const page: ErrorsPage = { items, from, to, truncated };
  return json(200, page);
});
