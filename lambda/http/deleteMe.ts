/**
 * DELETE /api/v1/user/me: erases the signed-in player. The profile becomes a tombstone and the Cognito account (the
 * email) is deleted; registrations and answers stay, keyed by the Cognito subject, which then names no one: every
 * count of every game stays exact (docs/SECURITY.md#erasure). The profile goes first: if deleting the account fails,
 * the player retries with the same token and both steps are idempotent.
 */
import { httpHandler, ownUserId } from './httpHandler.ts';
import { deleteAccount } from '../store/accounts.ts';
import { eraseUser } from '../store/users.ts';

export const handler = httpHandler({ auth: 'user' }, async ({ caller, now }) => {
  const id = ownUserId(caller, undefined);
  await eraseUser(id, now);
  await deleteAccount(caller?.username ?? id);
  return { status: 204 };
});
