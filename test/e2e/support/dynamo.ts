/** Direct access to the local DynamoDB (and SQS) for tests that check what the handlers stored. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { QueueId, TableId } from '../../../lambda/shared/resources.ts';
import { LOCAL_CREDENTIALS, REGION } from '../../../lib/local/names.ts';
import { REQUEST_TIMEOUTS } from '../../../lambda/shared/requestTimeouts.ts';
import { stack } from './stack.ts';

const config = (endpoint: string) => ({ region: REGION, endpoint, credentials: LOCAL_CREDENTIALS, requestHandler: REQUEST_TIMEOUTS });

export const dynamoClient = () => new DynamoDBClient(config(stack().dynamoEndpoint));
export const streamsClient = () => new DynamoDBStreamsClient(config(stack().dynamoEndpoint));
export const sqsClient = () => new SQSClient(config(stack().sqsEndpoint));

/** A DocumentClient on the local DynamoDB (undefined values removed, as the handlers' stores do). */
export const dynamoDocumentClient = () => DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true } });

export const tableName = (t: TableId) => stack().tableNames[t];
export const queueUrl = (q: QueueId) => stack().queueUrls[q];
