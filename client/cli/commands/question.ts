/** `trivia question add|list`: questions one by one or from a file, and the question bank page by page. */
import { readFileSync } from 'node:fs';
import type { TriviaClient } from '../../client.ts';
import { UsageError, number, out, signedIn, target, type Ctx } from '../context.ts';
import { questionLine, questionListLine } from '../render.ts';

export async function question(ctx: Ctx, sub: string | undefined) {
  const t = target(ctx);
  const client = await signedIn(ctx, t);
  if (sub === 'add') return add(ctx, client);
  if (sub === 'list') return list(ctx, client);
  throw new UsageError('question add|list');
}

async function add(ctx: Ctx, client: TriviaClient) {
  const v = ctx.values;
  let inputs: Parameters<TriviaClient['createQuestion']>[0][];
  if (v.file) {
    const parsed = JSON.parse(readFileSync(v.file, 'utf8')) as unknown;
    inputs = (Array.isArray(parsed) ? parsed : [parsed]) as typeof inputs;
  } else {
    if (!v.question || !v.option || v.answer === undefined) throw new UsageError('question add needs --question TEXT, two to four --option and --answer INDEX');
    inputs = [{ ...(v.id ? { id: v.id } : {}), question: v.question, options: v.option, answer: v.answer }];
  }
  const created = [];
  for (const input of inputs) created.push(await client.createQuestion(input));
  if (ctx.json) out(ctx, '', created.length === 1 && !v.file ? created[0] : created);
  else for (const q of created) out(ctx, questionLine(q));
}

async function list(ctx: Ctx, client: TriviaClient) {
  const limit = number(ctx.values.limit, 'limit', (n) => Number.isInteger(n) && n >= 1 && n <= 100) ?? 50;
  const items = [];
  let next: string | undefined;
  do {
    const page = await client.listQuestions({ limit, ...(next ? { next } : {}) });
    items.push(...page.items);
    next = page.next;
  } while (next && ctx.values.all);
  if (ctx.json) return out(ctx, '', { items, ...(next ? { next } : {}) });
  for (const q of items) out(ctx, questionListLine(q));
  if (next) out(ctx, ctx.style.dim(`… more: trivia question list --all`));
  if (items.length === 0) out(ctx, 'no questions yet');
}
