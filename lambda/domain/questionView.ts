/**
 * A question as the API answers it (admins): the stored question with `answer` as the option index in a string (`"2"`),
 * the form every route uses for an answer (the current question once closed, statistics, reports). Stored as a number.
 */
import type { QuestionOut } from './contract.ts';
import type { Question } from './schemas.ts';

export const questionView = (q: Question): QuestionOut => ({ ...q, answer: String(q.answer) });
