/** Names shared by the CDK stack and the functions for the origin secret (lib/constructs/originSecret.ts). */

/** The header CloudFront sets on requests to the API origin (lowercase: API Gateway passes header names lowercased). */
export const ORIGIN_SECRET_HEADER = 'x-origin-verify';
/** The secret's ARN, in the API functions' environment; where it is not set (the local stack, tests) the check is off. */
export const ORIGIN_SECRET_ENV = 'ORIGIN_SECRET_ARN';
/** The distribution whose origin carries the header, in the rotation function's environment. */
export const DISTRIBUTION_ID_ENV = 'DISTRIBUTION_ID';
