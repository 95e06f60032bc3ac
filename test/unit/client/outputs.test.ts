/** Finding the stack: --outputs, TRIVIA_OUTPUTS, cdk-outputs.json, cdk-outputs.local.json. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOutputs, isLocalEndpoint, readOutputs } from '../../../client/outputs.ts';
import { provisionLocalBots } from '../../../client/bots.ts';

const LOCAL = { ApiUrl: 'http://127.0.0.1:3000/', UserPoolId: 'local_abc', UserPoolClientId: 'c1', CognitoEndpoint: 'http://127.0.0.1:9229' };
const DEPLOYED = { ApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com', UserPoolId: 'eu-west-1_abc', UserPoolClientId: 'c2', CognitoEndpoint: 'https://cognito-idp.eu-west-1.amazonaws.com', NotificationsTopicArn: 'arn:x' };

function dirWith(files: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'trivia-outputs-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

describe('outputs files', () => {
  it('reads a local stack and trims the trailing slash', () => {
    const dir = dirWith({ 'cdk-outputs.local.json': { 'TriviaLive-local': LOCAL } });
    const t = findOutputs({ dirs: [dir], env: {} });
    expect(t).toMatchObject({ stackName: 'TriviaLive-local', local: true, outputs: { ApiUrl: 'http://127.0.0.1:3000' } });
  });

  it('prefers cdk-outputs.json, then the local file; --outputs and TRIVIA_OUTPUTS win', () => {
    const dir = dirWith({ 'cdk-outputs.json': { 'TriviaLive-dev': DEPLOYED }, 'cdk-outputs.local.json': { 'TriviaLive-local': LOCAL } });
    expect(findOutputs({ dirs: [dir], env: {} })).toMatchObject({ stackName: 'TriviaLive-dev', local: false });
    expect(findOutputs({ dirs: [dir], env: { TRIVIA_OUTPUTS: join(dir, 'cdk-outputs.local.json') } }).stackName).toBe('TriviaLive-local');
    expect(findOutputs({ file: join(dir, 'cdk-outputs.local.json'), dirs: [], env: {} }).stackName).toBe('TriviaLive-local');
  });

  it('asks for --stack when a file has several stacks', () => {
    const dir = dirWith({ 'cdk-outputs.json': { 'TriviaLive-dev': DEPLOYED, 'TriviaLive-prod': DEPLOYED } });
    expect(() => findOutputs({ dirs: [dir], env: {} })).toThrow(/several stacks \(TriviaLive-dev, TriviaLive-prod\): pick one with --stack NAME/);
    expect(findOutputs({ dirs: [dir], env: {}, stackName: 'TriviaLive-prod' }).stackName).toBe('TriviaLive-prod');
  });

  it('explains what is missing', () => {
    expect(() => findOutputs({ dirs: [dirWith({})], env: {} })).toThrow(/no cdk-outputs.json or cdk-outputs.local.json/);
    expect(() => readOutputs(join(dirWith({ 'x.json': '{' }), 'x.json'))).toThrow(/is not JSON/);
    expect(() => readOutputs(join(dirWith({ 'x.json': { 'TriviaLive-dev': { ApiUrl: 'https://x' } } }), 'x.json'))).toThrow(/lacks UserPoolId, UserPoolClientId, CognitoEndpoint/);
  });

  it('tells local endpoints from deployed ones', () => {
    expect(['http://127.0.0.1:3000', 'http://localhost:9229', 'http://[::1]:80'].every(isLocalEndpoint)).toBe(true);
    expect(['https://127.0.0.1', 'https://abc.execute-api.eu-west-1.amazonaws.com', 'http://10.0.0.1:3000'].some(isLocalEndpoint)).toBe(false);
  });

  it('never creates bot users on a deployed stack', async () => {
    const dir = dirWith({ 'cdk-outputs.json': { 'TriviaLive-dev': DEPLOYED } });
    await expect(provisionLocalBots(findOutputs({ dirs: [dir], env: {} }), 3)).rejects.toThrow(/not a local stack/);
  });
});
