import { notFound } from '../domain/errors.ts';
import { questionView } from '../domain/questionView.ts';
import { idParams } from '../domain/schemas.ts';
import { httpHandler, json, validate } from './httpHandler.ts';
import { getQuestion } from '../store/questions.ts';

export const handler = httpHandler({ auth: 'admin' }, async ({ params }) => {
  const { id } = validate(idParams, params, 'invalid_path');
  const question = await getQuestion(id);
  if (!question) throw notFound('question', id);
  return json(200, questionView(question));
});
