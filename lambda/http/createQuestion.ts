import { randomUUID } from 'node:crypto';
import { unprocessable } from '../domain/errors.ts';
import { questionView } from '../domain/questionView.ts';
import { questionInput, type Question } from '../domain/schemas.ts';
import { httpHandler, json } from '../shared/http.ts';
import { createQuestion } from '../store/questions.ts';
import { fingerprint } from '../store/records.ts';

export const handler = httpHandler({ auth: 'admin', body: questionInput }, async ({ body, now }) => {
  if (body.answer >= body.options.length) {
    throw unprocessable('answer_out_of_range', `answer must be an option index from 0 to ${body.options.length - 1}`);
  }
  const { id, ...content } = body;
  const question: Question = { id: id ?? randomUUID(), ...content, created_at: now };
  const { item, created } = await createQuestion(question, fingerprint(content));
  return json(created ? 201 : 200, questionView(item));
});
