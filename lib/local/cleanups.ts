import { errorFields, type LocalLog } from './log.ts';

export type CleanupStep = () => Promise<void> | void;

export interface Cleanups {
  add(step: CleanupStep): void;
  /** Runs the steps last in, first out; a step that fails is logged and the others still run. */
  run(): Promise<void>;
}

/** What undoes a start: each part of the stack adds its stop as soon as it is up, so a failed start undoes what it began. */
export function createCleanups(log: LocalLog): Cleanups {
  const steps: CleanupStep[] = [];
  return {
    add: (step) => void steps.push(step),
    async run() {
      while (steps.length) {
        const step = steps.pop()!;
        try {
          await step();
        } catch (err) {
          log.warn('clean-up step failed', errorFields(err));
        }
      }
    },
  };
}
