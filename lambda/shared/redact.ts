/**
 * Redaction: what may be written to logs and to the errors table. Tokens, passwords and answer keys never are —
 * not even a player's submitted answer, so that the rule stays simple enough to trust: any key named below is
 * replaced by "[redacted]", wherever it appears, and raw text (a body that is not JSON) has the same fields and
 * anything that looks like a JWT masked.
 */

/** Keys whose values are never written (compared case-insensitively). */
const SECRET_KEY = /^(authorization|cookie|set-cookie|password|new_password|secret|secret_hash|.*token.*|answer|current_answer|correct_answer)$/i;

export const REDACTED = '[redacted]';

const isSecretKey = (key: string) => SECRET_KEY.test(key);

/** A deep copy with every secret key's value replaced; deeper than `maxDepth` levels becomes "[…]". */
export function redact(value: unknown, maxDepth = 6): unknown {
  const walk = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (depth >= maxDepth) return '[…]';
    if (Array.isArray(v)) return v.slice(0, 50).map((x) => walk(x, depth + 1));
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, isSecretKey(k) ? REDACTED : walk(x, depth + 1)]));
  };
  return walk(value, 0);
}

const JWT = /\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g;
const BEARER = /\b(Bearer)\s+[^\s"',}]+/gi;
/** `"answer": "2"`, `"answer":2`, `"password":"x"` … in text that is not (or not quite) JSON. */
const SECRET_FIELD = /("([^"\\]*)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]*)/g;

/** Raw text with secret fields and tokens masked. */
export function redactText(text: string): string {
  return text
    .replace(SECRET_FIELD, (whole, _prefix: string, key: string) => (isSecretKey(key) ? `"${key}":"${REDACTED}"` : whole))
    .replace(JWT, REDACTED)
    .replace(BEARER, `$1 ${REDACTED}`);
}

/** How much of a payload the errors table keeps. */
const MAX_PAYLOAD_CHARS = 2048;

const truncate = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** A payload (a request or message body) as the errors table keeps it: redacted JSON text, at most `max` characters. */
export function redactPayload(raw: string | undefined, max = MAX_PAYLOAD_CHARS): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  // Redact before truncating: a cut could otherwise leave half a secret field that the patterns no longer see.
  const head = raw.length > 64 * 1024 ? raw.slice(0, 64 * 1024) : raw;
  try {
    return truncate(JSON.stringify(redact(JSON.parse(head))), max);
  } catch {
    return truncate(redactText(head), max);
  }
}

/** For Powertools' logger (`jsonReplacerFn`): secret keys are written as "[redacted]" in every log line. */
export const logReplacer = (key: string, value: unknown): unknown => (key !== '' && isSecretKey(key) ? REDACTED : value);
