import { httpHandler, json } from '../shared/http.ts';
import { version } from '../shared/env.ts';

export const handler = httpHandler({ auth: 'public' }, async () => json(200, { status: 'ok', version: version() }));
