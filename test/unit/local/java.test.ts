import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkJava, parseJavaMajor } from '../../../lib/local/java.ts';

describe('Java check for DynamoDB Local', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-java-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fakeJava = (versionLine: string) => {
    const file = join(dir, `java-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, `#!/bin/sh\necho '${versionLine}' >&2\n`);
    chmodSync(file, 0o755);
    return file;
  };

  it('reads the major version of old and new version strings', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_292"')).toBe(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('nothing here')).toBeUndefined();
  });

  it('fails with one clear line when java is missing or too old', () => {
    expect(() => checkJava(join(dir, 'no-such-java'))).toThrow(expect.objectContaining({ code: 'java_missing', message: expect.stringMatching(/^java was not found/) }));
    expect(() => checkJava(fakeJava('openjdk version "11.0.2" 2019-01-15'))).toThrow(
      expect.objectContaining({ code: 'java_too_old', message: expect.stringContaining('Java 11 found') }),
    );
    expect(checkJava(fakeJava('openjdk version "17.0.1" 2021-10-19'))).toBe(17);
  });
});
