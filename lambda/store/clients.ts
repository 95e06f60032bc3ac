/** SDK clients live at module scope: one per container, reused by every invocation. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';

export const dynamo = new DynamoDBClient({ maxAttempts: 6 });
export const documents = DynamoDBDocumentClient.from(dynamo, {
  marshallOptions: { removeUndefinedValues: true },
});
export const sqs = new SQSClient({ maxAttempts: 6 });
export const sns = new SNSClient({});
