import { describe, expect, it } from 'vitest';
import { failedMessageIds } from '../../../lib/local/sqsPoller.ts';

describe('SQS partial batch responses (Lambda’s rules)', () => {
  const records = [{ messageId: 'a' }, { messageId: 'b' }, { messageId: 'c' }];

  it('treats no response or an empty list as success', () => {
    for (const result of [undefined, null, 'ok', {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(failedMessageIds(result, records).size).toBe(0);
    }
  });

  it('keeps exactly the reported messages', () => {
    expect([...failedMessageIds({ batchItemFailures: [{ itemIdentifier: 'b' }] }, records)]).toEqual(['b']);
  });

  it('fails the whole batch for an invalid item identifier', () => {
    for (const bad of [{ batchItemFailures: [{ itemIdentifier: '' }] }, { batchItemFailures: [{ itemIdentifier: 'zzz' }] }, { batchItemFailures: [{}] }, { batchItemFailures: 'b' }]) {
      expect(failedMessageIds(bad, records).size).toBe(3);
    }
  });
});
