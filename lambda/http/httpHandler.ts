/**
 * The HTTP adapter (lambda/shared/http.ts) as every route uses it: rejections sampled per function instance and
 * recorded in the errors table, the origin secret read from Secrets Manager. The one place where the adapter meets the
 * store; routes import their whole toolkit from here.
 */
import { httpAdapter } from '../shared/http.ts';
import { errorSampler, putError } from '../store/errorRecords.ts';
import { originSecretValues } from '../store/originSecret.ts';

export const httpHandler = httpAdapter({ sampleRejection: errorSampler(), recordRejection: putError, originSecretValues });
export { annotate, json, ownUserId, validate } from '../shared/http.ts';
