/** `npm run demo` picks its stack by PORT and the outputs file, and says which (chooseDemoStack, lib/local/demo.ts). */
import { describe, expect, it } from 'vitest';
import { chooseDemoStack } from '../../../lib/local/demo.ts';

const outputsFile = '/repo/cdk-outputs.local.json';
const running = { apiUrl: 'http://127.0.0.1:3000' };

describe('chooseDemoStack', () => {
  it('reuses the running stack without PORT, and says which', () => {
    const choice = chooseDemoStack({ running, outputsFile });
    expect(choice.kind).toBe('reuse');
    expect(choice.message).toContain('http://127.0.0.1:3000');
    expect(choice.message).toContain(outputsFile);
  });

  it('starts a stack on PORT when the running one listens elsewhere, and leaves that one alone', () => {
    const choice = chooseDemoStack({ port: 3100, running, outputsFile });
    expect(choice).toMatchObject({ kind: 'start', port: 3100 });
    expect(choice.message).toMatch(/PORT=3100: starting a local stack on port 3100 .*the one at http:\/\/127\.0\.0\.1:3000 .* is left alone/);
  });

  it('reuses the running stack when it listens on PORT', () => {
    expect(chooseDemoStack({ port: 3000, running, outputsFile })).toMatchObject({ kind: 'reuse', message: expect.stringContaining('PORT=3000') });
  });

  it('starts a stack on PORT, or on a free port without one, when none runs', () => {
    expect(chooseDemoStack({ port: 3100, outputsFile })).toMatchObject({ kind: 'start', port: 3100 });
    expect(chooseDemoStack({ outputsFile })).toMatchObject({ kind: 'start', port: 0, message: expect.stringContaining('No local stack is running') });
  });
});
