import { questionListQuery } from '../domain/contract.ts';
import { questionView } from '../domain/questionView.ts';
import { httpHandler, json } from './httpHandler.ts';
import { listQuestions } from '../store/questionList.ts';

/** `GET /api/v1/question?limit=&next=`: one page of questions with their answers (admins). */
export const handler = httpHandler({ auth: 'admin', query: questionListQuery }, async ({ query: { limit, next } }) => {
  const page = await listQuestions(limit ?? 50, next);
  return json(200, { ...page, items: page.items.map(questionView) });
});
