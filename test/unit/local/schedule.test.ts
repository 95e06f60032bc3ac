import { describe, expect, it } from 'vitest';
import type { ScheduledEvent } from 'aws-lambda';
import { startSchedule } from '../../../lib/local/schedule.ts';

describe('schedule timer', () => {
  it('invokes the function with an EventBridge scheduled event every interval, and stops', async () => {
    const events: ScheduledEvent[] = [];
    const outcomes: number[] = [];
    const schedule = startSchedule({
      name: 'test',
      intervalMs: 40,
      ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/test',
      invoke: async (e) => {
        events.push(e as ScheduledEvent);
        if (events.length === 2) throw new Error('a failure does not stop the timer');
      },
      onFire: (o) => outcomes.push(o.failed),
    });
    await new Promise((r) => setTimeout(r, 230));
    await schedule.stop();
    const fired = events.length;
    expect(fired).toBeGreaterThanOrEqual(3);
    expect(outcomes.slice(0, 3)).toEqual([0, 1, 0]);
    expect(events[0]).toMatchObject({
      version: '0',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/test'],
      detail: {},
    });
    expect(events[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await new Promise((r) => setTimeout(r, 100));
    expect(events.length).toBe(fired);
  });
});
