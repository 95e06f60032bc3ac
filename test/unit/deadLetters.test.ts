/**
 * The cause a consumer records with a dead letter (lambda/usecases/deadLetters.ts `causeOf`): matched by class, not by
 * name, so an error that only calls itself AnswerTooLateError is not taken for one.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AnswerTooLateError } from '../../lambda/domain/errors.ts';
import { causeOf } from '../../lambda/usecases/deadLetters.ts';

describe('causeOf', () => {
  it('names a late answer answer_too_late', () => {
    expect(causeOf(new AnswerTooLateError('arrived after its statistics were final'))).toBe('answer_too_late');
  });

  it('matches the class, not the name: a look-alike is described by its name like any other error', () => {
    const lookAlike = Object.assign(new Error('not the real one'), { name: 'AnswerTooLateError' });
    expect(causeOf(lookAlike)).toBe('answer_too_late_error');
  });

  it('calls a message that does not parse or fit the schema invalid_message, and anything else by its name', () => {
    expect(causeOf(new SyntaxError('Unexpected token'))).toBe('invalid_message');
    expect(causeOf(z.object({ a: z.string() }).safeParse({}).error)).toBe('invalid_message');
    expect(causeOf(Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }))).toBe('conditional_check_failed_exception');
  });
});
