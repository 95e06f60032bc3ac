/** Names and fixed identities of the local stack's resources (one place, so tests and tools agree). */
import type { FunctionId } from '../wiring.ts';
import type { QueueId, TableId } from '../../lambda/shared/resources.ts';

export const STACK_NAME = 'TriviaLive-local';
export const LOCAL_PREFIX = 'trivia-local';
export const REGION = 'us-east-1';
export const ACCOUNT_ID = '123456789012';
/** Any credentials work locally; they only have to be present for the SDK to sign requests. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** DynamoDB Local needs at least 3 characters: `trivia-local-episodes`. */
export const localTableName = (t: TableId) => `${LOCAL_PREFIX}-${kebab(t)}`;
export const localQueueName = (q: QueueId) => `${LOCAL_PREFIX}-${kebab(q)}`;
export const localDlqName = (q: QueueId) => `${localQueueName(q)}-dlq`;
/** Where stream batches go once their retries are exhausted (Lambda's OnFailure destination). */
export const STREAM_DLQ_NAME = `${LOCAL_PREFIX}-streams-dlq`;
export const localFunctionName = (f: FunctionId | string) => `${LOCAL_PREFIX}-${f}`;
export const localFunctionArn = (f: FunctionId | string) => `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${localFunctionName(f)}`;
export const localRuleArn = (f: FunctionId | string, i = 0) => `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${localFunctionName(f)}-schedule${i ? i : ''}`;
export const USER_POOL_NAME = `${LOCAL_PREFIX}-users`;
export const USER_POOL_CLIENT_NAME = `${LOCAL_PREFIX}-app`;
export const ADMIN_GROUP = 'admin';
