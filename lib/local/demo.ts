/**
 * The demo content of `npm start`: three questions and the game "Demo Night", created through the real API with the
 * demo admin's token, as a producer would. Safe to run again (same ids and content → 200).
 */
import { signIn } from './cognito.ts';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../client/demoUsers.ts';
import { silentLog, type LocalLog } from './log.ts';

export const DEMO_QUESTIONS = [
  {
    id: 'demo-q1',
    question: 'The Blackstreet lyric “I like the way you work it” is from what iconic song?',
    options: ['No Diggity', 'Yes Diggity', 'Maybe a Lil Diggity'],
    answer: '0',
  },
  {
    id: 'demo-q2',
    question: 'The American episodic TV show that’s produced the most episodes is in what genre?',
    options: ['Animated', 'Game show', 'Soap opera'],
    answer: '2',
  },
  {
    id: 'demo-q3',
    question: 'What does Edward prepare for the Christmas party in “Edward Scissorhands”?',
    options: ['Cronuts', 'Ice sculpture', 'Santa costume'],
    answer: '1',
  },
];

export const DEMO_GAME = { id: 'demo-night', title: 'Demo Night', qset: DEMO_QUESTIONS.map((q) => q.id) };

export interface SeedResult {
  seeded: boolean;
  warnings: string[];
}

export async function seedDemo(target: { apiUrl: string; cognitoEndpoint: string; clientId: string }, log: LocalLog = silentLog): Promise<SeedResult> {
  const warnings: string[] = [];
  const { accessToken } = await signIn({ endpoint: target.cognitoEndpoint, clientId: target.clientId }, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
  const post = async (path: string, body: unknown) => {
    try {
      const res = await fetch(`${target.apiUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      if (res.status === 200 || res.status === 201 || res.status === 409) return true;
      warnings.push(`POST ${path} answered ${res.status}: ${text.slice(0, 200)}`);
    } catch (err) {
      warnings.push(`POST ${path} failed: ${(err as Error).message}`);
    }
    return false;
  };
  let ok = true;
  for (const q of DEMO_QUESTIONS) ok = (await post('/api/v1/question/', q)) && ok;
  ok = (await post('/api/v1/game/', DEMO_GAME)) && ok;
  for (const w of warnings) log.warn('demo seeding: the API did not take it (is the handler written yet?)', { detail: w });
  return { seeded: ok, warnings };
}

/** Which stack `npm run demo` plays on: the running one, or one it starts (on PORT when set). */
export type DemoStackChoice = { kind: 'reuse'; message: string } | { kind: 'start'; port: number; message: string };

/**
 * PORT, when set, names the stack: the running one if it listens there, else a new one started on that port. Without
 * PORT, the running stack of the outputs file is reused, else one starts on a free port. The message says which, so
 * that a demo never reuses a stack silently.
 */
export function chooseDemoStack(input: { port?: number; running?: { apiUrl: string }; outputsFile: string }): DemoStackChoice {
  const { port, running, outputsFile } = input;
  const runningPort = running ? Number(new URL(running.apiUrl).port) : undefined;
  if (port !== undefined) {
    if (running && runningPort === port) return { kind: 'reuse', message: `Using the local stack at ${running.apiUrl} (PORT=${port}; from ${outputsFile})` };
    const other = running ? `; the one at ${running.apiUrl} of ${outputsFile} is left alone` : '';
    return { kind: 'start', port, message: `PORT=${port}: starting a local stack on port ${port} (DynamoDB Local, SQS, cognito-local, the API${other}) …` };
  }
  if (running) {
    return { kind: 'reuse', message: `Using the running local stack at ${running.apiUrl} (from ${outputsFile}; set PORT to start one on another port)` };
  }
  return { kind: 'start', port: 0, message: 'No local stack is running: starting one on a free port (DynamoDB Local, SQS, cognito-local, the API) …' };
}
