/**
 * Runs the handlers of lib/wiring.ts the way Lambda does, in a runtime thread of their own: the thread's
 * process.env is the functions' environment (endpoints, table and queue names) — set before any handler module is
 * imported, and never leaked into the process that hosts the local stack (a test runner, say). Each function gets
 * its own instances of the project's modules (its own logger, SDK clients and caches), as its own Lambda container
 * would; libraries under node_modules are shared. Each invocation has the function's timeout; results and errors
 * come back as JSON.
 */
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FunctionSpec } from '../wiring.ts';
import type { FromRuntime, InvokeContextInfo, SerializedError, ToRuntime } from './runtime-protocol.ts';
import { localFunctionArn, localFunctionName } from './names.ts';
import { errorFields, silentLog, type LocalLog } from './log.ts';

/** What a handler threw (or rejected with), as Lambda reports it: errorType and errorMessage. */
export class HandlerError extends Error {
  readonly errorType: string;
  constructor(error: SerializedError) {
    super(error.errorMessage);
    this.name = 'HandlerError';
    this.errorType = error.errorType;
    if (error.stack) this.stack = error.stack;
  }
}

export class HandlerTimeoutError extends Error {
  readonly errorType = 'Sandbox.Timedout';
  constructor(seconds: number) {
    super(`Task timed out after ${seconds.toFixed(2)} seconds`);
    this.name = 'HandlerTimeoutError';
  }
}

/** The function to run: its id (for names and logs) and the parts of its spec the runtime needs. */
export interface RuntimeFunction {
  id: string;
  spec: Pick<FunctionSpec, 'entry' | 'timeoutSeconds' | 'memorySize'>;
}

/** One function invocation: event in, JSON result out; throws HandlerError or HandlerTimeoutError. */
export type Invoke = (event: unknown) => Promise<unknown>;

export interface LambdaRuntime {
  invoke(fn: RuntimeFunction, event: unknown): Promise<unknown>;
  /** Imports the function's module ahead of its first invocation (a warm start); throws when it cannot be loaded. */
  load(fn: RuntimeFunction): Promise<void>;
  invoker(fn: RuntimeFunction): Invoke;
  stop(): Promise<void>;
}

export interface LambdaRuntimeOptions {
  /** Repository root: function entries are relative to it. */
  rootDir: string;
  /** The functions' environment, on top of this process's (whose AWS_* variables are left out: no host profile leaks in). */
  env: Record<string, string>;
  log?: LocalLog;
  /** Drop lines of the functions' output (stdout and stderr) for which this returns false. */
  outputFilter?: (line: string) => boolean;
}

/** Forwards a thread's output line by line, dropping what the filter rejects. */
function forwardLines(from: NodeJS.ReadableStream, to: NodeJS.WritableStream, keep: (line: string) => boolean) {
  let rest = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (keep(line)) to.write(`${line}\n`);
  });
  from.on('end', () => {
    if (rest && keep(rest)) to.write(`${rest}\n`);
  });
}

export function createLambdaRuntime(options: LambdaRuntimeOptions): LambdaRuntime {
  const log = options.log ?? silentLog;
  let worker: Worker | undefined;
  let stopped = false;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const ensureWorker = (): Worker => {
    if (worker) return worker;
    if (stopped) throw new Error('the local Lambda runtime is stopped');
    const w = new Worker(new URL('./runtime-boot.mjs', import.meta.url), {
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))), ...options.env },
      name: 'trivia-local-lambda-runtime',
      ...(options.outputFilter ? { stdout: true, stderr: true } : {}),
    });
    if (options.outputFilter) {
      forwardLines(w.stdout, process.stdout, options.outputFilter);
      forwardLines(w.stderr, process.stderr, options.outputFilter);
    }
    w.on('message', (message: FromRuntime) => {
      const p = pending.get(message.id);
      if (!p) return;
      pending.delete(message.id);
      if (message.ok) p.resolve(message.value);
      else p.reject(new HandlerError(message.error));
    });
    w.on('error', (err) => {
      log.error('the Lambda runtime thread failed; it restarts on the next invocation', errorFields(err));
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new HandlerError({ errorType: 'Runtime.ExitError', errorMessage: `the runtime exited (code ${code})` }));
    });
    worker = w;
    return w;
  };

  const send = (message: ToRuntime, timeoutMs?: number, onTimeout?: () => Error): Promise<unknown> =>
    new Promise((resolvePromise, rejectPromise) => {
      let timer: NodeJS.Timeout | undefined;
      pending.set(message.id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolvePromise(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          rejectPromise(e);
        },
      });
      if (timeoutMs !== undefined && onTimeout) {
        // Like Lambda, the caller gets the timeout; the stray invocation may still finish inside the runtime.
        timer = setTimeout(() => {
          pending.delete(message.id);
          rejectPromise(onTimeout());
        }, timeoutMs);
      }
      try {
        ensureWorker().postMessage(message);
      } catch (err) {
        pending.delete(message.id);
        clearTimeout(timer);
        rejectPromise(err as Error);
      }
    });

  const moduleUrl = (fn: RuntimeFunction) => pathToFileURL(resolve(options.rootDir, fn.spec.entry)).href;

  const invoke = (fn: RuntimeFunction, event: unknown): Promise<unknown> => {
    const timeoutMs = fn.spec.timeoutSeconds * 1000;
    const context: InvokeContextInfo = {
      functionName: localFunctionName(fn.id),
      invokedFunctionArn: localFunctionArn(fn.id),
      memoryLimitInMB: String(fn.spec.memorySize),
      awsRequestId: randomUUID(),
      deadline: Date.now() + timeoutMs,
    };
    return send({ type: 'invoke', id: nextId++, functionId: fn.id, moduleUrl: moduleUrl(fn), event, context }, timeoutMs, () => new HandlerTimeoutError(fn.spec.timeoutSeconds));
  };

  return {
    invoke,
    load: async (fn) => {
      await send({ type: 'load', id: nextId++, functionId: fn.id, moduleUrl: moduleUrl(fn) });
    },
    invoker: (fn) => (event) => invoke(fn, event),
    stop: async () => {
      stopped = true;
      const w = worker;
      worker = undefined;
      failAll(new Error('the local Lambda runtime stopped'));
      if (w) await w.terminate();
    },
  };
}
