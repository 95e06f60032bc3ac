import { growthRange } from '../domain/contract.ts';
import { daysBetween, funnel, growthDays } from '../domain/growth.ts';
import { httpHandler, json } from './httpHandler.ts';
import { readGrowthPartials } from '../store/growth.ts';

/** `GET /api/v1/growth/funnel?from=&to=` (admins): page views → sign-ups → joined → answered → won, per day, from the materialized partials. */
export const handler = httpHandler({ auth: 'admin', query: growthRange }, async ({ query, now }) => {
  const { from, to } = growthDays(query, now);
  return json(200, funnel(from, to, await readGrowthPartials(daysBetween(from, to))));
});
