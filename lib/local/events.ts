/**
 * The events Lambda hands to functions, built as AWS builds them: API Gateway HTTP API (payload 2.0) requests, SQS
 * records, DynamoDB stream records and EventBridge scheduled events. Pure functions, so they are easy to check.
 */
import { randomUUID } from 'node:crypto';
import type { Message } from '@aws-sdk/client-sqs';
import type { _Record as StreamRecord, AttributeValue as StreamAttributeValue } from '@aws-sdk/client-dynamodb-streams';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, DynamoDBRecord, SQSRecord, ScheduledEvent } from 'aws-lambda';
import { ACCOUNT_ID, REGION } from './names.ts';

/* ---------------------------------------------------------------- API Gateway (HTTP API, payload format 2.0) */

/**
 * The JWT authorizer hands claims to the integration as strings: numbers and booleans stringified, arrays as
 * "[a b]" (so `cognito:groups` arrives as "[admin]"), objects as JSON.
 */
export function claimsAsApiGateway(payload: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out[k] = `[${v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(' ')}]`;
    else if (typeof v === 'object') out[k] = JSON.stringify(v);
    else out[k] = String(v);
  }
  return out;
}

/** API Gateway's access-log time format: `12/Mar/2020:19:03:58 +0000`. */
export function apiGatewayTime(epochMs: number): string {
  const d = new Date(epochMs);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|xml|[\w.+-]+\+xml|x-www-form-urlencoded|javascript|graphql))/i;

export interface HttpRequestInput {
  method: string;
  /** The path as requested (`/api/v1/game/`). */
  rawPath: string;
  rawQueryString: string;
  /** Node's header list: name, value, name, value… (repeated headers are joined with commas, as API Gateway does). */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  /** `GET /api/v1/game/{id}`. */
  routeKey: string;
  pathParameters?: Record<string, string>;
  jwt?: { claims: Record<string, string>; scopes: string[] | null };
  requestId: string;
  timeEpoch: number;
  domainName: string;
}

export function httpEvent(input: HttpRequestInput): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (let i = 0; i + 1 < input.rawHeaders.length; i += 2) {
    const name = input.rawHeaders[i].toLowerCase();
    const value = input.rawHeaders[i + 1];
    if (name === 'cookie') {
      cookies = [...(cookies ?? []), ...value.split(/;\s*/).filter(Boolean)];
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const params = new URLSearchParams(input.rawQueryString);
  const query: Record<string, string> = {};
  for (const [k, v] of params) query[k] = k in query ? `${query[k]},${v}` : v;

  const contentType = headers['content-type'] ?? '';
  const hasBody = input.body.length > 0;
  const isText = !contentType || TEXT_TYPES.test(contentType);
  const domainPrefix = input.domainName.split('.')[0];

  const event = {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: input.rawPath,
    rawQueryString: input.rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: 'local',
      ...(input.jwt ? { authorizer: { jwt: input.jwt } } : {}),
      domainName: input.domainName,
      domainPrefix,
      http: {
        method: input.method,
        path: input.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: input.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: input.requestId,
      routeKey: input.routeKey,
      stage: '$default',
      time: apiGatewayTime(input.timeEpoch),
      timeEpoch: input.timeEpoch,
    },
    ...(hasBody ? { body: isText ? input.body.toString('utf8') : input.body.toString('base64') } : {}),
    ...(input.pathParameters && Object.keys(input.pathParameters).length ? { pathParameters: input.pathParameters } : {}),
    isBase64Encoded: hasBody && !isText,
  };
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

/**
 * What API Gateway makes of a payload-2.0 result: a `statusCode` means a structured response; anything else is
 * taken as the body of a 200 JSON response (a string as it is, other values as JSON).
 */
export function httpResponse(result: unknown): HttpResponse {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as { statusCode: number; headers?: Record<string, unknown>; cookies?: string[]; body?: unknown; isBase64Encoded?: boolean };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
    const raw = r.body === undefined || r.body === null ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
    return {
      status: Number(r.statusCode),
      headers,
      cookies: Array.isArray(r.cookies) ? r.cookies.map(String) : [],
      body: r.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8'),
    };
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return { status: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(body, 'utf8') };
}

/* ---------------------------------------------------------------- SQS */

/** An SQS record as the SQS event source delivers it (attribute names camel-cased, message attributes lower-camel). */
export function sqsRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, a] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      dataType: a.DataType ?? 'String',
      ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { binaryValue: Buffer.from(a.BinaryValue).toString('base64') } : {}),
      stringListValues: a.StringListValues ?? [],
      binaryListValues: (a.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
    };
  }
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? ACCOUNT_ID,
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attributes.MessageGroupId ? { MessageGroupId: attributes.MessageGroupId } : {}),
      ...(attributes.MessageDeduplicationId ? { MessageDeduplicationId: attributes.MessageDeduplicationId } : {}),
      ...(attributes.SequenceNumber ? { SequenceNumber: attributes.SequenceNumber } : {}),
      ...(attributes.AWSTraceHeader ? { AWSTraceHeader: attributes.AWSTraceHeader } : {}),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: REGION,
  } as SQSRecord;
}

/* ---------------------------------------------------------------- DynamoDB Streams */

/** Stream attribute values as Lambda's JSON has them: binary as base64, the rest as GetRecords returns it. */
function jsonAttributeValue(v: StreamAttributeValue): unknown {
  if (v.B !== undefined) return { B: Buffer.from(v.B).toString('base64') };
  if (v.BS !== undefined) return { BS: v.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (v.L !== undefined) return { L: v.L.map(jsonAttributeValue) };
  if (v.M !== undefined) return { M: jsonImage(v.M) };
  return v;
}

function jsonImage(image: Record<string, StreamAttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, jsonAttributeValue(v)]));
}

/** A DynamoDB stream record as the stream event source delivers it (epoch-second creation time, the stream's ARN). */
export function streamRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: REGION,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      ...(d.Keys ? { Keys: jsonImage(d.Keys) } : {}),
      ...(d.NewImage ? { NewImage: jsonImage(d.NewImage) } : {}),
      ...(d.OldImage ? { OldImage: jsonImage(d.OldImage) } : {}),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
    eventSourceARN: streamArn,
    ...(record.userIdentity ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } } : {}),
  } as DynamoDBRecord;
}

/* ---------------------------------------------------------------- EventBridge schedule */

export function scheduledEvent(ruleArn: string, now = Date.now()): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT_ID,
    // EventBridge stamps the scheduled time to the second.
    time: new Date(Math.floor(now / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    region: REGION,
    resources: [ruleArn],
    detail: {},
  };
}
