import { growthRange } from '../domain/contract.ts';
import { attributionTable, daysBetween, growthDays } from '../domain/growth.ts';
import { httpHandler, json } from './httpHandler.ts';
import { readGrowthPartials } from '../store/growth.ts';

/** `GET /api/v1/growth/attribution?from=&to=` (admins): the range's sign-ups by first- and last-touch campaign (rule: lambda/domain/growth.ts). */
export const handler = httpHandler({ auth: 'admin', query: growthRange }, async ({ query, now }) => {
  const { from, to } = growthDays(query, now);
  return json(200, attributionTable(from, to, await readGrowthPartials(daysBetween(from, to))));
});
