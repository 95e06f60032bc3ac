/**
 * A modelled AWS cost per million answers, from counted requests and measured durations.
 *
 * Prices: AWS list prices for us-east-1 as published on the AWS pricing pages (DynamoDB on-demand after the
 * November 2024 reduction; Lambda Arm; API Gateway HTTP API first tier; SQS standard), as of 2025-06-01.
 * The machines that run this have no internet: update the table and its date when prices change.
 */
export const PRICES = {
  asOf: '2025-06-01',
  region: 'us-east-1',
  dynamoWriteRequestUnit: 0.625 / 1e6,
  dynamoReadRequestUnit: 0.125 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
  httpApiRequest: 1.0 / 1e6,
  sqsRequest: 0.4 / 1e6,
} as const;

export interface CostInputs {
  answers: number;
  /** DynamoDB write request units (items ≤ 1 KB: one unit per write request). */
  dynamoWrites: number;
  /** DynamoDB read requests, priced as strongly consistent reads of items ≤ 4 KB (an upper bound). */
  dynamoReads: number;
  httpRequests: number;
  sqsRequests: number;
  lambdaInvocations: number;
  /** Lambda compute, in GB-seconds, from measured durations and configured memory. */
  lambdaGbSeconds: number;
}

export function costPerMillionAnswers(c: CostInputs): number {
  const total =
    c.dynamoWrites * PRICES.dynamoWriteRequestUnit +
    c.dynamoReads * PRICES.dynamoReadRequestUnit +
    c.httpRequests * PRICES.httpApiRequest +
    c.sqsRequests * PRICES.sqsRequest +
    c.lambdaInvocations * PRICES.lambdaRequest +
    c.lambdaGbSeconds * PRICES.lambdaArmGbSecond;
  return (total / c.answers) * 1e6;
}
