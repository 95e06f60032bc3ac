/**
 * Runs the handlers of lib/wiring.ts the way Lambda does, in runtime threads of their own (`threadOf` groups them): a thread's
 * process.env is the functions' environment (endpoints, table and queue names) — set before any handler module is
 * imported, and never leaked into the process that hosts the local stack (a test runner, say). Each function gets
 * its own instances of the project's modules (its own logger, SDK clients and caches), as its own Lambda container
 * would. Each invocation has the function's timeout; results and errors come back as JSON.
 */
import { Worker } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FunctionSpec } from '../wiring.ts';
import type { FromRuntime, InvokeContextInfo, SerializedError, ToRuntime } from './runtimeProtocol.ts';
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
  /** Where the functions' stdout (their INFO logs) goes: this process's stdout unless given. Their stderr stays on stderr. */
  stdoutTo?: NodeJS.WritableStream;
  /** The runtime thread a function runs in (functions of one thread share its event loop and loaded libraries); one thread for all when absent. */
  threadOf?: (functionId: string) => string;
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

/** A runtime thread (the "container" of the functions it hosts), and the invocations it has not answered yet. */
interface RuntimeThread {
  worker: Worker;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
}

export function createLambdaRuntime(options: LambdaRuntimeOptions): LambdaRuntime {
  const log = options.log ?? silentLog;
  const threads = new Map<string, RuntimeThread>();
  let stopped = false;
  let nextId = 1;

  const failAll = (thread: RuntimeThread, err: Error) => {
    for (const p of thread.pending.values()) p.reject(err);
    thread.pending.clear();
  };

  const threadOf = options.threadOf ?? (() => 'lambda');
  const threadFor = (functionId: string): RuntimeThread => {
    const name = threadOf(functionId);
    const existing = threads.get(name);
    if (existing) return existing;
    if (stopped) throw new Error('the local Lambda runtime is stopped');
    const w = new Worker(new URL('./runtimeBoot.mjs', import.meta.url), {
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))), ...options.env },
      name: `trivia-local-lambda-${name}`,
      ...(options.outputFilter || options.stdoutTo ? { stdout: true, stderr: true } : {}),
    });
    const thread: RuntimeThread = { worker: w, pending: new Map() };
    if (options.outputFilter || options.stdoutTo) {
      const keep = options.outputFilter ?? (() => true);
      forwardLines(w.stdout, options.stdoutTo ?? process.stdout, keep);
      forwardLines(w.stderr, process.stderr, keep);
    }
    w.on('message', (message: FromRuntime) => {
      const p = thread.pending.get(message.id);
      if (!p) return;
      thread.pending.delete(message.id);
      if (message.ok) p.resolve(message.value);
      else p.reject(new HandlerError(message.error));
    });
    w.on('error', (err) => {
      log.error('a Lambda runtime thread failed; it restarts on the next invocation', { thread: name, ...errorFields(err) });
    });
    w.on('exit', (code) => {
      if (threads.get(name) === thread) threads.delete(name);
      failAll(thread, new HandlerError({ errorType: 'Runtime.ExitError', errorMessage: `the runtime exited (code ${code})` }));
    });
    threads.set(name, thread);
    return thread;
  };

  const send = (message: ToRuntime, timeoutMs?: number, onTimeout?: () => Error): Promise<unknown> =>
    new Promise((resolvePromise, rejectPromise) => {
      let timer: NodeJS.Timeout | undefined;
      let thread: RuntimeThread;
      try {
        thread = threadFor(message.functionId);
      } catch (err) {
        rejectPromise(err as Error);
        return;
      }
      thread.pending.set(message.id, {
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
          thread.pending.delete(message.id);
          rejectPromise(onTimeout());
        }, timeoutMs);
      }
      try {
        thread.worker.postMessage(message);
      } catch (err) {
        thread.pending.delete(message.id);
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
      const all = [...threads.values()];
      threads.clear();
      for (const t of all) failAll(t, new Error('the local Lambda runtime stopped'));
      await Promise.all(all.map((t) => t.worker.terminate()));
    },
  };
}
