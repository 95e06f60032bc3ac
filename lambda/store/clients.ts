/** SDK clients live at module scope: one per container, reused by every invocation. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';
import { traced } from '../shared/powertools.ts';
import { REQUEST_TIMEOUTS } from '../shared/requestTimeouts.ts';

const dynamo = traced(new DynamoDBClient({ maxAttempts: 6, requestHandler: REQUEST_TIMEOUTS }));
export const documents = DynamoDBDocumentClient.from(dynamo, {
  marshallOptions: { removeUndefinedValues: true },
});
export const sqs = traced(new SQSClient({ maxAttempts: 6, requestHandler: REQUEST_TIMEOUTS }));
export const sns = traced(new SNSClient({}));
