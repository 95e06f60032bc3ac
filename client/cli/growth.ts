/** `trivia growth`: the funnel by day and the attribution table of a date range, as plain text tables. */
import type { AttributionOut, FunnelOut } from '../../lambda/domain/contract.ts';

const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '—');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderFunnel(f: FunnelOut): string {
  const steps = ['page_views', 'sign_ups', 'joined', 'answered', 'won'] as const;
  const rows = [...f.days, { day: 'total', ...f.totals }].map((d) => [d.day, ...steps.map((s) => String(d[s]))]);
  const t = f.totals;
  return [
    `Funnel ${f.from} … ${f.to} (UTC days)`,
    table(['day', 'page views', 'sign-ups', 'joined', 'answered', 'won'], rows),
    `conversion: sign-ups/page views ${pct(t.sign_ups, t.page_views)}, answered/joined ${pct(t.answered, t.joined)}, won/answered ${pct(t.won, t.answered)}`,
  ].join('\n');
}

export function renderAttribution(a: AttributionOut): string {
  const rows = a.campaigns.map((c) => [c.source, c.medium, c.campaign, String(c.first_touch), pct(c.first_touch, a.sign_ups), String(c.last_touch), pct(c.last_touch, a.sign_ups)]);
  return [
    `Sign-ups by campaign ${a.from} … ${a.to}: ${a.sign_ups} sign-up(s), first and last touch within 30 days`,
    table(['source', 'medium', 'campaign', 'first touch', '%', 'last touch', '%'], rows),
  ].join('\n');
}
