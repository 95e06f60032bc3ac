/**
 * The one way the app reads CDK context (`-c name=value`, cdk.json, or an App's `context`), for bin/app.ts, the stack,
 * its constructs and lib/sizing.ts. Pure (no CDK imports), so lib/sizing.ts stays loadable by the local stack.
 * `-c` gives strings and cdk.json typed values; an empty string or null counts as absent, and a value that is present
 * but malformed fails the synth with the context name in the message.
 */

/** A raw context value by name; absent is undefined. */
export type ContextReader = (name: string) => unknown;

/** A reader over a construct's node (`app.node`, `this.node`), with '' and null read as absent. */
export function contextReader(node: { tryGetContext(name: string): unknown }): ContextReader {
  return (name) => {
    const raw: unknown = node.tryGetContext(name);
    return raw === null || raw === '' ? undefined : raw;
  };
}

export function contextString(read: ContextReader, name: string): string | undefined {
  const raw = read(name);
  return raw === undefined ? undefined : String(raw);
}

/** `true`/`false` (or their strings); anything else present is an error. */
export function contextFlag(read: ContextReader, name: string): boolean | undefined {
  const raw = read(name);
  if (raw === undefined) return undefined;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new Error(`context ${name} must be true or false, got ${String(raw)}`);
}

/** A number from `min` to `max` (an integer where `integer`). */
export function contextNumber(read: ContextReader, name: string, range: { min: number; max?: number; integer?: boolean }): number | undefined {
  const raw = read(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isFinite(n) || (range.integer && !Number.isInteger(n)) || n < range.min || n > max) {
    const kind = range.integer ? 'an integer' : 'a number';
    const bounds = range.max === undefined ? `from ${range.min} up` : `from ${range.min} to ${range.max}`;
    throw new Error(`context ${name} must be ${kind} ${bounds}, got ${String(raw)}`);
  }
  return n;
}
