/** DynamoDB Local is a Java program: check for Java 17+ before starting it, so the failure is one clear line. */
import { spawnSync } from 'node:child_process';
import { LocalStackError } from './errors.ts';

export const MIN_JAVA = 17;
const INSTALL_HINT = 'install Java 17 or later (e.g. apt-get install -y openjdk-17-jre-headless)';

/** The major version in `java -version` output: `version "17.0.15"` → 17, `version "1.8.0_292"` → 8. */
export function parseJavaMajor(output: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 && m[2] !== undefined ? Number(m[2]) : first;
}

/** Returns the Java major version, or throws a LocalStackError (java missing or too old). */
export function checkJava(command = 'java'): number {
  const result = spawnSync(command, ['-version'], { encoding: 'utf8', timeout: 20_000 });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LocalStackError('java_missing', `java was not found on PATH: DynamoDB Local needs it; ${INSTALL_HINT}`);
    throw new LocalStackError('java_missing', `could not run "${command} -version" (${result.error.message}); ${INSTALL_HINT}`);
  }
  const major = parseJavaMajor(`${result.stderr ?? ''}\n${result.stdout ?? ''}`);
  if (major === undefined) throw new LocalStackError('java_missing', `could not read the Java version from "${command} -version"; ${INSTALL_HINT}`);
  if (major < MIN_JAVA) throw new LocalStackError('java_too_old', `Java ${major} found, but DynamoDB Local needs Java ${MIN_JAVA} or later; ${INSTALL_HINT}`);
  return major;
}
