import { describe, expect, it } from 'vitest';
import { apiGatewayTime, claimsAsApiGateway, httpEvent, httpResponse, sqsRecord, streamRecord } from '../../../lib/local/events.ts';

describe('API Gateway events', () => {
  it('passes claims as strings, arrays as "[a b]"', () => {
    expect(claimsAsApiGateway({ sub: 's', exp: 17, ok: true, 'cognito:groups': ['admin'], nested: { a: 1 }, none: null })).toEqual({
      sub: 's',
      exp: '17',
      ok: 'true',
      'cognito:groups': '[admin]',
      nested: '{"a":1}',
    });
  });

  it('formats the request time as API Gateway does', () => {
    expect(apiGatewayTime(Date.UTC(2020, 2, 12, 19, 3, 58))).toBe('12/Mar/2020:19:03:58 +0000');
  });

  it('builds a payload-2.0 event', () => {
    const event = httpEvent({
      method: 'POST',
      rawPath: '/api/v1/game/',
      rawQueryString: 'a=1&a=2&b=x%20y',
      rawHeaders: ['Content-Type', 'application/json', 'X-Multi', '1', 'X-Multi', '2', 'Cookie', 'c1=v1; c2=v2', 'User-Agent', 'test'],
      body: Buffer.from('{"x":1}'),
      sourceIp: '127.0.0.1',
      routeKey: 'POST /api/v1/game',
      pathParameters: {},
      jwt: { claims: { sub: 'u1' }, scopes: null },
      requestId: 'r1',
      timeEpoch: 1_600_000_000_000,
      domainName: 'localhost:3000',
    });
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /api/v1/game',
      rawPath: '/api/v1/game/',
      rawQueryString: 'a=1&a=2&b=x%20y',
      cookies: ['c1=v1', 'c2=v2'],
      headers: { 'content-type': 'application/json', 'x-multi': '1,2', 'user-agent': 'test' },
      queryStringParameters: { a: '1,2', b: 'x y' },
      body: '{"x":1}',
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/api/v1/game/', sourceIp: '127.0.0.1', userAgent: 'test', protocol: 'HTTP/1.1' },
        requestId: 'r1',
        routeKey: 'POST /api/v1/game',
        stage: '$default',
        timeEpoch: 1_600_000_000_000,
        authorizer: { jwt: { claims: { sub: 'u1' }, scopes: null } },
      },
    });
    expect(event.pathParameters).toBeUndefined();
    expect(event.headers.cookie).toBeUndefined();
  });

  it('base64-encodes a binary body and leaves out what is absent', () => {
    const event = httpEvent({
      method: 'GET',
      rawPath: '/x',
      rawQueryString: '',
      rawHeaders: ['content-type', 'application/octet-stream'],
      body: Buffer.from([0xff, 0x00]),
      sourceIp: '::1',
      routeKey: 'GET /x',
      requestId: 'r',
      timeEpoch: 0,
      domainName: 'h',
    });
    expect(event).toMatchObject({ body: '/wA=', isBase64Encoded: true });
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.requestContext.authorizer).toBeUndefined();
  });

  it('reads results as API Gateway does', () => {
    expect(httpResponse({ statusCode: 201, headers: { 'Content-Type': 'application/json' }, body: '{"a":1}', cookies: ['s=1'] })).toMatchObject({
      status: 201,
      headers: { 'content-type': 'application/json' },
      cookies: ['s=1'],
    });
    expect(httpResponse({ statusCode: 200, body: Buffer.from('hi').toString('base64'), isBase64Encoded: true }).body.toString()).toBe('hi');
    const inferred = httpResponse({ hello: 'world' });
    expect(inferred).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' } });
    expect(inferred.body.toString()).toBe('{"hello":"world"}');
    expect(httpResponse('text').body.toString()).toBe('text');
  });
});

describe('SQS and stream records', () => {
  it('maps an SQS message to a Lambda record', () => {
    const record = sqsRecord(
      {
        MessageId: 'm1',
        ReceiptHandle: 'rh',
        Body: 'b',
        MD5OfBody: 'md5',
        Attributes: { ApproximateReceiveCount: '3', SentTimestamp: '1', SenderId: 'x', ApproximateFirstReceiveTimestamp: '2' },
        MessageAttributes: { k: { DataType: 'Binary', BinaryValue: new Uint8Array([1]) } },
      },
      'arn:q',
    );
    expect(record).toEqual({
      messageId: 'm1',
      receiptHandle: 'rh',
      body: 'b',
      attributes: { ApproximateReceiveCount: '3', SentTimestamp: '1', SenderId: 'x', ApproximateFirstReceiveTimestamp: '2' },
      messageAttributes: { k: { dataType: 'Binary', binaryValue: 'AQ==', stringListValues: [], binaryListValues: [] } },
      md5OfBody: 'md5',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:q',
      awsRegion: 'us-east-1',
    });
  });

  it('maps a GetRecords record to a Lambda stream record (binary as base64, epoch seconds)', () => {
    const record = streamRecord(
      {
        eventID: 'e',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ddblocal',
        dynamodb: {
          ApproximateCreationDateTime: new Date(1_700_000_000_000),
          Keys: { pk: { S: 'a' } },
          NewImage: { pk: { S: 'a' }, b: { B: new Uint8Array([1, 2]) }, m: { M: { l: { L: [{ B: new Uint8Array([3]) }] } } } },
          SequenceNumber: '0001',
          SizeBytes: 10,
          StreamViewType: 'NEW_IMAGE',
        },
      },
      'arn:stream',
    );
    expect(record).toEqual({
      eventID: 'e',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1_700_000_000,
        Keys: { pk: { S: 'a' } },
        NewImage: { pk: { S: 'a' }, b: { B: 'AQI=' }, m: { M: { l: { L: [{ B: 'Aw==' }] } } } },
        SequenceNumber: '0001',
        SizeBytes: 10,
        StreamViewType: 'NEW_IMAGE',
      },
      eventSourceARN: 'arn:stream',
    });
  });
});
