/**
 * Where a stack is: the outputs file that `cdk deploy --outputs-file cdk-outputs.json` writes (and `npm start` writes
 * as cdk-outputs.local.json): `{"TriviaLive-<stage>": {ApiUrl, UserPoolId, UserPoolClientId, CognitoEndpoint}}`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { RealtimeSocketConstructor } from './realtime.ts';

export const stackOutputs = z.looseObject({
  ApiUrl: z.url(),
  UserPoolId: z.string().min(1),
  UserPoolClientId: z.string().min(1),
  CognitoEndpoint: z.url(),
  /** The live channel (AppSync Events): `https://…/event` and `wss://…/event/realtime` (http/ws on 127.0.0.1 locally). */
  EventApiHttpEndpoint: z.url().optional(),
  EventApiRealtimeEndpoint: z.url().optional(),
  /** The web apps (player app at `/`, host console at `/console/`). */
  AppUrl: z.url().optional(),
});
export type StackOutputs = z.infer<typeof stackOutputs>;

/**
 * What a TriviaClient needs to reach a stack: its API, and its live channel when the stack has one. In Node (20 has no
 * global WebSocket) pass the `ws` package's constructor.
 */
export function clientEndpoints(
  outputs: StackOutputs,
  WebSocket?: RealtimeSocketConstructor,
): { apiUrl: string; realtime?: { realtimeUrl: string; httpUrl: string; WebSocket?: RealtimeSocketConstructor } } {
  const { EventApiHttpEndpoint: httpUrl, EventApiRealtimeEndpoint: realtimeUrl } = outputs;
  return { apiUrl: outputs.ApiUrl, ...(httpUrl && realtimeUrl ? { realtime: { realtimeUrl, httpUrl, ...(WebSocket ? { WebSocket } : {}) } } : {}) };
}

export interface StackTarget {
  stackName: string;
  outputs: StackOutputs;
  /** The file it came from. */
  file: string;
  /** A local stack (`npm start`): demo users exist, bots may be created through cognito-local's admin API. */
  local: boolean;
}

export const DEFAULT_OUTPUT_FILES = ['cdk-outputs.json', 'cdk-outputs.local.json'];

export class OutputsError extends Error {
  override name = 'OutputsError';
}

export const isLocalEndpoint = (url: string) => /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|\/|$)/.test(url);

/** Reads a stack from an outputs file; `stackName` picks one when the file has several `TriviaLive-*` stacks. */
export function readOutputs(file: string, stackName?: string): StackTarget {
  if (!existsSync(file)) throw new OutputsError(`no outputs file ${file}: run \`npm start\` (local) or \`npx cdk deploy --outputs-file cdk-outputs.json\``);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new OutputsError(`${file} is not JSON: ${(err as Error).message}`);
  }
  const stacks = Object.entries((raw ?? {}) as Record<string, unknown>).filter(([name, v]) => (stackName ? name === stackName : true) && v && typeof v === 'object' && 'ApiUrl' in v);
  if (stacks.length === 0) throw new OutputsError(`${file} has no stack${stackName ? ` named ${stackName}` : ''} with an ApiUrl`);
  const preferred = stacks.filter(([name]) => name.startsWith('TriviaLive-'));
  const choice = (preferred.length ? preferred : stacks);
  if (choice.length > 1) throw new OutputsError(`${file} has several stacks (${choice.map(([n]) => n).join(', ')}): pick one with --stack NAME`);
  const [name, value] = choice[0];
  const parsed = stackOutputs.safeParse(value);
  if (!parsed.success) throw new OutputsError(`${file}: stack ${name} lacks ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  const outputs = { ...parsed.data, ApiUrl: parsed.data.ApiUrl.replace(/\/+$/, '') };
  return { stackName: name, outputs, file, local: name === 'TriviaLive-local' || (isLocalEndpoint(outputs.ApiUrl) && isLocalEndpoint(outputs.CognitoEndpoint)) };
}

/** `--outputs FILE`, else TRIVIA_OUTPUTS, else cdk-outputs.json, else cdk-outputs.local.json (in `dirs`, in order). */
export function findOutputs(opts: { file?: string; stackName?: string; dirs?: string[]; env?: NodeJS.ProcessEnv } = {}): StackTarget {
  const explicit = opts.file ?? (opts.env ?? process.env).TRIVIA_OUTPUTS;
  if (explicit) return readOutputs(resolve(explicit), opts.stackName);
  const dirs = opts.dirs ?? [process.cwd()];
  for (const dir of dirs) {
    for (const name of DEFAULT_OUTPUT_FILES) {
      const file = resolve(dir, name);
      if (existsSync(file)) return readOutputs(file, opts.stackName);
    }
  }
  throw new OutputsError(`no cdk-outputs.json or cdk-outputs.local.json in ${dirs.join(' or ')}: start a local stack (\`npm start\`), deploy one, or pass --outputs FILE`);
}
