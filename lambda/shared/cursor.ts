/**
 * Opaque, tamper-evident page cursors: `<payload>.<mac>`, both base64url, the MAC an HMAC-SHA256 over the listing's
 * name and the payload with the stack's cursor key (setting `cursorKey`: a Secrets Manager value in AWS, a key generated
 * at start locally). A client can hold a cursor and hand it back; it cannot forge one, edit one, or use one listing's
 * cursor on another. Anything else is 400 `invalid_cursor`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../domain/errors.ts';
import { setting } from './env.ts';

const mac = (listing: string, payload: string) =>
  createHmac('sha256', setting('cursorKey')).update(`${listing}\n${payload}`).digest('base64url');

export function signCursor(listing: string, position: Record<string, unknown>): string {
  const payload = Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
  return `${payload}.${mac(listing, payload)}`;
}

/** The position a cursor of this listing carries; throws 400 `invalid_cursor` for any cursor this API did not hand out. */
export function openCursor(listing: string, cursor: string): Record<string, unknown> {
  const [payload, signature, ...rest] = cursor.split('.');
  const expected = Buffer.from(mac(listing, payload ?? ''), 'base64url');
  const given = Buffer.from(signature ?? '', 'base64url');
  if (rest.length === 0 && payload && given.length === expected.length && timingSafeEqual(given, expected)) {
    try {
      const position = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
      if (position && typeof position === 'object' && !Array.isArray(position)) return position as Record<string, unknown>;
    } catch {
      /* reported below */
    }
  }
  throw badRequest('invalid_cursor', 'next: not a cursor this API handed out for this listing (cursors are opaque; pass them back unchanged)');
}
