import { httpHandler, json, ownUserId } from './httpHandler.ts';
import { getOrCreateUser } from '../store/users.ts';

export const handler = httpHandler({ auth: 'user' }, async ({ caller, now }) => {
  const user = await getOrCreateUser(ownUserId(caller, undefined), caller?.email, now);
  return json(200, user);
});
