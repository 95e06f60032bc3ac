export { stack, type LocalStackInfo } from './stack.ts';
export { signIn, createUser, uniqueEmail, signedInUser, type LocalUser, type Tokens } from './auth.ts';
export { api, type Api, type ApiResponse } from './api.ts';
export { dynamoDocumentClient, dynamoClient, streamsClient, sqsClient, tableName, queueUrl } from './dynamo.ts';
export { eventually } from './eventually.ts';
export { handMadeAccessToken, handMadeIdToken, type TokenOptions } from './tokens.ts';
