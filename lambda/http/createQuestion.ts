import { randomUUID } from 'node:crypto';
import { unprocessable } from '../domain/errors.ts';
import { isOwnMediaUrl } from '../domain/media.ts';
import { questionView } from '../domain/questionView.ts';
import { questionInput, type Question } from '../domain/schemas.ts';
import { setting } from '../shared/env.ts';
import { httpHandler, json, ownUserId } from './httpHandler.ts';
import { createQuestion } from '../store/questions.ts';
import { fingerprint } from '../store/createOnce.ts';

export const handler = httpHandler({ auth: 'admin', body: questionInput }, async ({ body, now, caller }) => {
  if (body.answer >= body.options.length) {
    throw unprocessable('answer_out_of_range', `answer must be an option index from 0 to ${body.options.length - 1}`);
  }
  for (const [language, translation] of Object.entries(body.translations ?? {})) {
    if (translation.options.length !== body.options.length) {
      throw unprocessable('translation_options_mismatch', `the "${language}" translation has ${translation.options.length} options, the question ${body.options.length}`);
    }
  }
  if (body.media_url !== undefined && !isOwnMediaUrl(body.media_url, setting('cdnUrl'))) {
    throw unprocessable('media_url_not_ours', 'media_url must be the media_url of an upload to this stack (POST /api/v1/media)');
  }
  const { id, ...content } = body;
  const admin = ownUserId(caller, undefined);
  const question: Question = { id: id ?? randomUUID(), ...content, created_at: now, created_by: admin, updated_by: admin };
  const { item, created } = await createQuestion(question, fingerprint(content));
  return json(created ? 201 : 200, questionView(item));
});
