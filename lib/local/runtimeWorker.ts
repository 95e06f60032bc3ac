/**
 * The local Lambda runtime: runs in its own thread (started by runtime.ts through runtimeBoot.mjs) with the
 * functions' environment. Each function's module is imported once, lazily, in a namespace of its own, like a warm
 * container; every invocation gets a Lambda-like context, and its result goes back as JSON, as Lambda serializes it.
 */
import { parentPort } from 'node:worker_threads';
import { randomBytes } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { register, type NamespacedUnregister } from 'tsx/esm/api';
import type { FromRuntime, InvokeContextInfo, SerializedError, ToRuntime } from './runtimeProtocol.ts';

type Handler = (event: unknown, context: Context, callback: (err?: unknown, value?: unknown) => void) => unknown;

const modules = new Map<string, Promise<Handler>>();
const namespaces = new Map<string, NamespacedUnregister>();

/**
 * One module namespace per function: the project's modules are instantiated per function (a "container" each), so
 * that module-level state — Powertools logger keys, SDK clients, caches — is never shared between two functions.
 */
function load(functionId: string, moduleUrl: string): Promise<Handler> {
  const key = `${functionId} ${moduleUrl}`;
  let loaded = modules.get(key);
  if (!loaded) {
    let namespace = namespaces.get(functionId);
    if (!namespace) {
      namespace = register({ namespace: `lambda-${functionId}` });
      namespaces.set(functionId, namespace);
    }
    loaded = namespace.import(moduleUrl, import.meta.url).then((mod: { handler?: unknown }) => {
      if (typeof mod.handler !== 'function') {
        throw Object.assign(new Error(`${moduleUrl.replace(/^file:\/\//, '')}: "handler" is not exported as a function`), {
          name: 'Runtime.HandlerNotFound',
        });
      }
      return mod.handler as Handler;
    });
    // A module that failed to load is tried again next time (the developer may be fixing it).
    loaded.catch(() => modules.delete(key));
    modules.set(key, loaded);
  }
  return loaded;
}

const today = () => new Date().toISOString().slice(0, 10).replace(/-/g, '/');

function lambdaContext(info: InvokeContextInfo): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: info.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: info.invokedFunctionArn,
    memoryLimitInMB: info.memoryLimitInMB,
    awsRequestId: info.awsRequestId,
    logGroupName: `/aws/lambda/${info.functionName}`,
    logStreamName: `${today()}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, info.deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) return { errorType: err.name || 'Error', errorMessage: err.message, stack: err.stack };
  return { errorType: 'Error', errorMessage: typeof err === 'string' ? err : JSON.stringify(err) };
}

async function invoke(handler: Handler, event: unknown, context: Context): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback = (err?: unknown, value?: unknown) => (err ? reject(err) : resolve(value));
    const returned = handler(event, context, callback);
    if (returned && typeof (returned as Promise<unknown>).then === 'function') (returned as Promise<unknown>).then(resolve, reject);
    else if (handler.length < 3) resolve(returned);
  });
}

const post = (message: FromRuntime) => parentPort!.postMessage(message);

parentPort!.on('message', (message: ToRuntime) => {
  void (async () => {
    try {
      const handler = await load(message.functionId, message.moduleUrl);
      if (message.type === 'load') {
        post({ type: 'result', id: message.id, ok: true, value: null });
        return;
      }
      const value = await invoke(handler, message.event, lambdaContext(message.context));
      // Lambda returns the JSON serialization of the result (undefined becomes null).
      post({ type: 'result', id: message.id, ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) });
    } catch (err) {
      post({ type: 'result', id: message.id, ok: false, error: serializeError(err) });
    }
  })();
});

// A handler's stray rejection must not take the other invocations of this "container" down with it.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`${JSON.stringify({ level: 'ERROR', service: 'trivia-local', message: 'unhandled rejection in a handler', error: serializeError(reason) })}\n`);
});
