/** Messages between the local stack and its Lambda runtime thread (structured-cloned; results are JSON, as in Lambda). */

export interface InvokeContextInfo {
  functionName: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  /** Epoch ms when the function times out (getRemainingTimeInMillis counts down to it). */
  deadline: number;
}

export type ToRuntime =
  | { type: 'invoke'; id: number; functionId: string; moduleUrl: string; event: unknown; context: InvokeContextInfo }
  | { type: 'load'; id: number; functionId: string; moduleUrl: string };

export interface SerializedError {
  errorType: string;
  errorMessage: string;
  stack?: string;
}

export type FromRuntime = { type: 'result'; id: number; ok: true; value: unknown } | { type: 'result'; id: number; ok: false; error: SerializedError };
