/**
 * The origin secret's rotation (lambda/secrets/rotateOriginSecret.ts): Secrets Manager's four steps, with Secrets
 * Manager mocked and CloudFront's REST API played by a fake fetch that keeps a distribution config.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { stubEnvironment, isolateEachTest } from './support.ts';

const secrets = mockClient(SecretsManagerClient);
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:origin-AbCdEf';
const TOKEN = 'version-2';

let rotation: typeof import('../../lambda/secrets/rotateOriginSecret.ts');
let cdnOrigin: typeof import('../../lambda/store/cdnOrigin.ts');

beforeAll(async () => {
  stubEnvironment({ DISTRIBUTION_ID: 'E123ABC' });
  rotation = await import('../../lambda/secrets/rotateOriginSecret.ts');
  cdnOrigin = await import('../../lambda/store/cdnOrigin.ts');
});

const configXml = (value: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Origins><Quantity>2</Quantity><Items>` +
  `<Origin><Id>api</Id><CustomHeaders><Quantity>1</Quantity><Items><OriginCustomHeader><HeaderName>x-origin-verify</HeaderName><HeaderValue>${value}</HeaderValue></OriginCustomHeader></Items></CustomHeaders></Origin>` +
  `<Origin><Id>media</Id><CustomHeaders><Quantity>0</Quantity></CustomHeaders></Origin></Items></Origins><Comment>x</Comment></DistributionConfig>`;

/** CloudFront's config API for one distribution: GET returns the config and its ETag, PUT needs that ETag. */
function fakeCloudFront(initial: string) {
  const state = { xml: configXml(initial), etag: 'E1', puts: [] as { ifMatch: string | null; authorization: string | null }[] };
  const fetcher = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    expect(String(url)).toBe('https://cloudfront.amazonaws.com/2020-05-31/distribution/E123ABC/config');
    const headers = new Headers(init?.headers as Record<string, string>);
    if ((init?.method ?? 'GET') === 'GET') return new Response(state.xml, { status: 200, headers: { etag: state.etag } });
    state.puts.push({ ifMatch: headers.get('if-match'), authorization: headers.get('authorization') });
    if (headers.get('if-match') !== state.etag) return new Response('<Error><Code>PreconditionFailed</Code></Error>', { status: 412 });
    state.xml = String(init?.body);
    state.etag = `E${state.puts.length + 1}`;
    return new Response(state.xml, { status: 200, headers: { etag: state.etag } });
  });
  return { state, fetcher: fetcher as unknown as typeof fetch };
}

function secretVersions(stages: Record<string, string[]>, values: Record<string, string>) {
  secrets.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: stages });
  secrets.on(GetSecretValueCommand).callsFake((input: { VersionId?: string; VersionStage?: string }) => {
    const id = input.VersionId ?? Object.entries(stages).find(([, s]) => s.includes(input.VersionStage ?? ''))?.[0];
    if (!id || !(id in values) || (input.VersionStage && !stages[id]?.includes(input.VersionStage))) throw new ResourceNotFoundException({ message: 'none', $metadata: {} });
    return { SecretString: values[id] };
  });
}

const step = (Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret') => ({ SecretId: SECRET, ClientRequestToken: TOKEN, Step });

isolateEachTest({ mocks: [secrets] });

describe('origin secret rotation', () => {
  it('createSecret stores a new random value as AWSPENDING, once', async () => {
    secretVersions({ 'version-1': ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] }, { 'version-1': 'old' });
    await rotation.rotateOriginSecret(step('createSecret'));
    const put = secrets.commandCalls(PutSecretValueCommand)[0].args[0].input;
    expect(put).toMatchObject({ SecretId: SECRET, ClientRequestToken: TOKEN, VersionStages: ['AWSPENDING'] });
    expect(put.SecretString).toMatch(/^[A-Za-z0-9_-]{43}$/);
    secrets.reset();
    secretVersions({ 'version-1': ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] }, { 'version-1': 'old', [TOKEN]: 'new' });
    await rotation.rotateOriginSecret(step('createSecret'));
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('setSecret puts the pending value on the API origin (signed, with the ETag); testSecret checks it; finishSecret makes it current', async () => {
    secretVersions({ 'version-1': ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] }, { 'version-1': 'old', [TOKEN]: 'new' });
    const cf = fakeCloudFront('old');
    await expect(rotation.rotateOriginSecret(step('testSecret'), cf.fetcher)).rejects.toThrow(/pending value/);
    await rotation.rotateOriginSecret(step('setSecret'), cf.fetcher);
    expect(cf.state.puts).toEqual([{ ifMatch: 'E1', authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/cloudfront\/aws4_request/) }]);
    expect(cdnOrigin.originHeaderValues(cf.state.xml, 'x-origin-verify')).toEqual(['new']);
    expect(cf.state.xml.replace('new', 'old')).toBe(configXml('old')); // nothing else changed
    await rotation.rotateOriginSecret(step('setSecret'), cf.fetcher); // a retried step: no second update
    expect(cf.state.puts).toHaveLength(1);
    await rotation.rotateOriginSecret(step('testSecret'), cf.fetcher);
    await rotation.rotateOriginSecret(step('finishSecret'), cf.fetcher);
    expect(secrets.commandCalls(UpdateSecretVersionStageCommand)[0].args[0].input).toEqual({
      SecretId: SECRET,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: 'version-1',
    });
  });

  it('refuses a version that is not staged, and does nothing for one already current', async () => {
    secretVersions({ 'version-1': ['AWSCURRENT'] }, { 'version-1': 'old' });
    await expect(rotation.rotateOriginSecret(step('createSecret'))).rejects.toThrow(/not staged/);
    secrets.reset();
    secretVersions({ [TOKEN]: ['AWSCURRENT'] }, { [TOKEN]: 'new' });
    await rotation.rotateOriginSecret(step('finishSecret'));
    expect(secrets.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });

  it('fails loudly when the distribution has no origin with the header', () => {
    expect(() => cdnOrigin.withOriginHeader('<DistributionConfig></DistributionConfig>', 'x-origin-verify', 'v')).toThrow(/no origin/);
  });
});
