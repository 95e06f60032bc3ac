/** lib/cdkContext.ts: the one reader of CDK context (bin/app.ts, the stack, its constructs, lib/sizing.ts). */
import { describe, expect, it } from 'vitest';
import { contextFlag, contextNumber, contextReader, contextString } from '../../lib/cdkContext.ts';

const readerOf = (context: Record<string, unknown>) => contextReader({ tryGetContext: (name: string) => context[name] });

describe('contextReader', () => {
  it('reads an empty string and null as absent, and passes other values through', () => {
    const read = readerOf({ empty: '', nothing: null, zero: 0, no: false, text: 'x' });
    expect([read('empty'), read('nothing'), read('missing')]).toEqual([undefined, undefined, undefined]);
    expect([read('zero'), read('no'), read('text')]).toEqual([0, false, 'x']);
  });
});

describe('contextString', () => {
  it('gives `-c` strings and cdk.json values as strings', () => {
    const read = readerOf({ stage: 'prod', count: 3, empty: '' });
    expect([contextString(read, 'stage'), contextString(read, 'count'), contextString(read, 'empty')]).toEqual(['prod', '3', undefined]);
  });
});

describe('contextFlag', () => {
  it('takes true and false, as booleans or strings, and undefined when absent', () => {
    const read = readerOf({ a: true, b: 'true', c: false, d: 'false' });
    expect(['a', 'b', 'c', 'd', 'missing'].map((n) => contextFlag(read, n))).toEqual([true, true, false, false, undefined]);
  });

  it('refuses anything else, naming the context', () => {
    expect(() => contextFlag(readerOf({ canary: 'yes' }), 'canary')).toThrow('context canary must be true or false, got yes');
  });
});

describe('contextNumber', () => {
  it('takes numbers and numeric strings within the range', () => {
    const read = readerOf({ rate: '200', burst: 100.5, shards: 16 });
    expect(contextNumber(read, 'rate', { min: 0 })).toBe(200);
    expect(contextNumber(read, 'burst', { min: 0 })).toBe(100.5);
    expect(contextNumber(read, 'shards', { min: 1, max: 1024, integer: true })).toBe(16);
    expect(contextNumber(read, 'missing', { min: 0 })).toBeUndefined();
  });

  it('refuses a value outside the range, a fraction where an integer is due, and text', () => {
    expect(() => contextNumber(readerOf({ n: '0' }), 'n', { min: 1, max: 1024, integer: true })).toThrow('context n must be an integer from 1 to 1024, got 0');
    expect(() => contextNumber(readerOf({ n: 1.5 }), 'n', { min: 1, integer: true })).toThrow('context n must be an integer from 1 up, got 1.5');
    expect(() => contextNumber(readerOf({ n: -1 }), 'n', { min: 0 })).toThrow('context n must be a number from 0 up, got -1');
    expect(() => contextNumber(readerOf({ n: 'lots' }), 'n', { min: 0 })).toThrow(/context n must be a number/);
  });
});
