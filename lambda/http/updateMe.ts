import { userUpdateInput } from '../domain/schemas.ts';
import { httpHandler, json, ownUserId } from './httpHandler.ts';
import { setNickname } from '../store/users.ts';

export const handler = httpHandler({ auth: 'user', body: userUpdateInput }, async ({ caller, body, now }) => {
  const user = await setNickname(ownUserId(caller, undefined), body.nickname, now);
  return json(200, user);
});
