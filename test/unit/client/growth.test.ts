/** `trivia growth`'s tables: every day of the funnel with its totals and ratios, and each campaign's share of sign-ups. */
import { describe, expect, it } from 'vitest';
import { renderAttribution, renderFunnel } from '../../../client/cli/render.ts';
import { attributionTable, funnel } from '../../../lambda/domain/growth.ts';
import { attribution as attributionSchema, funnel as funnelSchema } from '../../../lambda/domain/contract.ts';

const tally = (patch: Partial<{ page_views: number; sign_ups: number; joined: number; answered: number; won: number }>, first = {}, last = {}) => ({
  page_views: 0, sign_ups: 0, joined: 0, answered: 0, won: 0, first_touch: first, last_touch: last, ...patch,
});

describe('growth report', () => {
  const parts = [
    { day: '2026-04-01', value: tally({ page_views: 40, sign_ups: 4, joined: 10, answered: 8, won: 1 }, { 'tv/ad/x': 3, '(direct)': 1 }, { 'tv/ad/x': 1, 'news/email/w': 2, '(direct)': 1 }) },
    { day: '2026-04-02', value: tally({ page_views: 10, joined: 2, answered: 2 }) },
  ];

  it('prints the funnel of each day, the totals and the conversions; the shapes are the contract\'s', () => {
    const f = funnel('2026-04-01', '2026-04-03', parts);
    expect(funnelSchema.parse(f)).toEqual(f);
    const lines = renderFunnel(f).split('\n');
    expect(lines[0]).toBe('Funnel 2026-04-01 … 2026-04-03 (UTC days)');
    expect(lines.slice(3).map((l) => l.split(/\s+/))).toEqual([
      ['2026-04-01', '40', '4', '10', '8', '1'],
      ['2026-04-02', '10', '0', '2', '2', '0'],
      ['2026-04-03', '0', '0', '0', '0', '0'],
      ['total', '50', '4', '12', '10', '1'],
      ['conversion:', 'sign-ups/page', 'views', '8.0%,', 'answered/joined', '83.3%,', 'won/answered', '10.0%'],
    ]);
  });

  it('prints each campaign with its first- and last-touch sign-ups and shares', () => {
    const a = attributionTable('2026-04-01', '2026-04-02', parts);
    expect(attributionSchema.parse(a)).toEqual(a);
    const rows = renderAttribution(a).split('\n').slice(3).map((l) => l.split(/\s+/));
    expect(rows).toEqual([
      ['tv', 'ad', 'x', '3', '75.0%', '1', '25.0%'],
      ['(direct)', '(none)', '(none)', '1', '25.0%', '1', '25.0%'],
      ['news', 'email', 'w', '0', '0.0%', '2', '50.0%'],
    ]);
  });
});
