import { describe, expect, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { logger, observed, traced, tracer } from '../../../lambda/shared/powertools.ts';

const context = { functionName: 'fn', awsRequestId: 'req-1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:fn', memoryLimitInMB: '128' } as Context;

describe('observability wrapper', () => {
  it('leaves SDK clients as they are when tracing is off (outside Lambda, locally, in tests)', () => {
    expect(tracer.isTracingEnabled()).toBe(false);
    const client = new DynamoDBClient({ region: 'us-east-1' });
    expect(traced(client)).toBe(client);
  });

  it('runs the handler with the invocation in the logger, and drops keys added during it afterwards', async () => {
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      const handler = observed(
        async (event: { n: number }) => {
          logger.appendKeys({ episode_id: 'e1' });
          logger.info('inside');
          return event.n * 2;
        },
        { metrics: true },
      );
      await expect(handler({ n: 21 }, context)).resolves.toBe(42);
      logger.info('after');
    } finally {
      process.stdout.write = write;
    }
    const inside = JSON.parse(lines.find((l) => l.includes('"inside"'))!);
    const after = JSON.parse(lines.find((l) => l.includes('"after"'))!);
    expect(inside).toMatchObject({ function_request_id: 'req-1', episode_id: 'e1' });
    expect(after.episode_id).toBeUndefined();
  });
});
