/**
 * AppSync Events channel paths, checked as AWS checks them: `/namespace/segment/...`, at most 5 segments (the
 * namespace included), each 1–50 characters of `[A-Za-z0-9-]`; a subscription may end in `/*` (every channel below that
 * prefix), a publish may not. The leading slash is optional (Amplify's `events.connect('ns/ch')` sends none).
 */

export const MAX_SEGMENTS = 5;
const SEGMENT = /^[A-Za-z0-9-]{1,50}$/;

export type ChannelCheck =
  | { ok: true; path: string; namespace: string; wildcard: boolean }
  | { ok: false; errorType: 'BadRequestException'; message: string };

const invalid = (message: string): ChannelCheck => ({ ok: false, errorType: 'BadRequestException', message });

export function checkChannel(raw: unknown, use: 'subscribe' | 'publish', namespaces: readonly string[]): ChannelCheck {
  if (typeof raw !== 'string' || raw === '') return invalid('Invalid Channel Format: a channel is required');
  const segments = (raw.startsWith('/') ? raw.slice(1) : raw).split('/');
  const wildcard = segments[segments.length - 1] === '*';
  if (wildcard && use === 'publish') return invalid('Invalid Channel Format: wildcards are only allowed in subscriptions');
  const named = wildcard ? segments.slice(0, -1) : segments;
  if (named.length === 0 || (named.length < 2 && !wildcard)) return invalid('Invalid Channel Format: a channel is /namespace/segment[/...]');
  if (segments.length > MAX_SEGMENTS) return invalid(`Invalid Channel Format: at most ${MAX_SEGMENTS} segments`);
  if (!named.every((s) => SEGMENT.test(s))) return invalid('Invalid Channel Format: segments are 1-50 characters of A-Z, a-z, 0-9 and -');
  if (!namespaces.includes(named[0])) return invalid(`Namespace ${named[0]} does not exist`);
  return { ok: true, path: `/${named.join('/')}`, namespace: named[0], wildcard };
}

/** The prefixes whose wildcard subscriptions receive a channel's events: `/a/b/c` → `/a`, `/a/b` (`/a/b/*` does not match `/a/b`). */
export function wildcardPrefixes(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}
