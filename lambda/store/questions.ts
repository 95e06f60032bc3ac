/** The questions table. Questions never change once created, so readers may cache them for as long as they like. */
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Question } from '../domain/schemas.ts';
import { tableName } from '../shared/env.ts';
import { documents } from './clients.ts';
import { createOnce, getById, withoutFingerprint } from './createOnce.ts';

const table = () => tableName('questions');

export const createQuestion = (q: Question, fp: string) => createOnce(table(), q, fp);
export const getQuestion = (id: string) => getById<Question>(table(), id);

/** The questions found among `ids` (at most 100 per call, as BatchGetItem allows). */
export async function getQuestions(ids: string[]): Promise<Map<string, Question>> {
  const found = new Map<string, Question>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((id) => ({ id }));
    while (keys && keys.length > 0) {
      const out = await documents.send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys } } }));
      for (const item of out.Responses?.[table()] ?? []) found.set(item.id as string, withoutFingerprint(item as Question));
      keys = out.UnprocessedKeys?.[table()]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return found;
}

const forever = new Map<string, Question>();
/** Questions are immutable: a container keeps every one it has read. */
export async function getQuestionCached(id: string): Promise<Question | undefined> {
  const hit = forever.get(id);
  if (hit) return hit;
  const q = await getQuestion(id);
  if (q) forever.set(id, q);
  return q;
}
