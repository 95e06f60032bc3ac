/** Schedules: an EventBridge rule for every schedule trigger in lib/wiring.ts (the runner's once-a-minute safety net). */
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { FunctionId } from '../wiring.ts';
import { triggersOf } from './support.ts';
import type { TriviaFunction } from './functions.ts';

export interface RunnerProps {
  readonly functions: Record<FunctionId, TriviaFunction>;
}

export class Runner extends Construct {
  readonly rules: Partial<Record<FunctionId, Rule>> = {};

  constructor(scope: Construct, id: string, props: RunnerProps) {
    super(scope, id);
    for (const fn of Object.values(props.functions)) {
      const schedules = triggersOf(fn.spec, 'schedule');
      schedules.forEach((trigger, i) => {
        const rule = new Rule(this, `${fn.node.id}Schedule${i === 0 ? '' : i}`, {
          description: `${fn.functionId} every ${trigger.rateMinutes} minute(s)`,
          schedule: Schedule.rate(Duration.minutes(trigger.rateMinutes)),
        });
        // A tick older than a minute is superseded by the next one; every step is idempotent, so a retry is harmless.
        rule.addTarget(new LambdaFunction(fn.alias, { retryAttempts: 2, maxEventAge: Duration.minutes(1) }));
        if (i === 0) this.rules[fn.functionId] = rule;
      });
    }
  }
}
