import { httpHandler, json } from './httpHandler.ts';
import { version } from '../shared/env.ts';

// `server_time` lets clients estimate their clock offset (best of several round trips) for countdowns.
export const handler = httpHandler({ auth: 'public' }, async ({ now }) =>
  json(200, { status: 'ok', version: version(), server_time: now }, { 'cache-control': 'no-store' }),
);
