/**
 * Every SQS and DynamoDB client, deployed or local, gives up on a request after these. Without them the SDK waits for
 * ever on a connection that stopped answering (its default is no timeout), and the caller hangs until its own
 * invocation times out: a runner then misses its steps and a consumer holds its answers past their question's close.
 * A timed-out request is retried by the SDK like any transient error.
 */
export const REQUEST_TIMEOUTS = {
  /** Connecting to the endpoint (1 s was too tight for the local stack on a busy 2-core machine: connects timed out). */
  connectionTimeout: 3_000,
  /** Sending the request and reading the whole response (a DynamoDB query page takes well under a second). */
  requestTimeout: 5_000,
  /** Off by default in the SDK: without it a timeout is only a warning and the request goes on waiting. */
  throwOnRequestTimeout: true,
} as const;

/**
 * A long poll answers after up to `waitSeconds` by design: its timeout is that wait plus twice the usual one (a busy
 * local stack has been seen to answer a 20 s poll after 25 s, and a poll cut short is a wasted round trip, not a hang).
 */
export const longPollTimeoutMs = (waitSeconds: number) => waitSeconds * 1000 + 2 * REQUEST_TIMEOUTS.requestTimeout;
