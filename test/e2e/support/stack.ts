/** What the e2e global setup provides to every test file: the running local stack's endpoints and resource names. */
import { inject } from 'vitest';
import type { LocalStackInfo } from '../../../lib/local/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: LocalStackInfo;
  }
}

export type { LocalStackInfo };

/** The local stack started by test/e2e/globalSetup.ts. */
export const stack = (): LocalStackInfo => inject('stack');
