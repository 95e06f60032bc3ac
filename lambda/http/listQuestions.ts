import { questionListQuery } from '../domain/contract.ts';
import { httpHandler, json, validate } from '../shared/http.ts';
import { listQuestions } from '../store/questionList.ts';

/** `GET /api/v1/question?limit=&next=`: one page of questions with their answers (admins). */
export const handler = httpHandler({ auth: 'admin' }, async ({ query }) => {
  const { limit, next } = validate(questionListQuery, query, 'invalid_query');
  return json(200, await listQuestions(limit ?? 50, next));
});
