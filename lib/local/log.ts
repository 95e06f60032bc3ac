/** The local stack's own log: one JSON object per line on stdout (warnings and errors on stderr), like CloudWatch lines. */

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface LocalLog {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const rank: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

/** Errors become plain fields (name, message, first lines of the stack) so that a line stays one JSON object. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { error: { name: err.name, message: err.message } };
  return { error: { message: String(err) } };
}

export interface LogOptions {
  level?: LogLevel;
  component?: string;
  /** Where lines below WARN go (request lines, mostly): stdout unless given. Warnings and errors go to stderr and here too. */
  infoTo?: NodeJS.WritableStream;
}

export function createLog(options: LogOptions = {}): LocalLog {
  const min = rank[options.level ?? 'INFO'];
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (rank[level] < min) return;
    const line = JSON.stringify({
      timestamp: new Date().toISOString(),
      level,
      service: 'trivia-local',
      ...(options.component ? { component: options.component } : {}),
      message,
      ...fields,
    });
    if (rank[level] >= rank.WARN) {
      process.stderr.write(`${line}\n`);
      options.infoTo?.write(`${line}\n`);
    } else (options.infoTo ?? process.stdout).write(`${line}\n`);
  };
  return {
    debug: (m, f) => write('DEBUG', m, f),
    info: (m, f) => write('INFO', m, f),
    warn: (m, f) => write('WARN', m, f),
    error: (m, f) => write('ERROR', m, f),
  };
}

/** A log that drops everything: for tests of the engines. */
export const silentLog: LocalLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
