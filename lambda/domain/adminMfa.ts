/**
 * Admin rights need TOTP. Cognito cannot require MFA for one group only (MFA is pool-wide: off, optional or required),
 * and players must not be forced to enroll. So the pool's MFA is OPTIONAL, and the tokens of a user in the `admin`
 * group carry that group only when the user has TOTP enabled (lambda/cognito/preTokenGeneration.ts). With MFA optional,
 * Cognito challenges every user who has enabled it at every sign-in, so an admin token implies a TOTP code was given.
 */
export const ADMIN_GROUP = 'admin';
const TOTP = 'SOFTWARE_TOKEN_MFA';

/** The groups a token may carry: `admin` is dropped unless TOTP is among the user's enabled MFA methods. */
export function groupsForToken(groups: readonly string[], enabledMfa: readonly string[] | undefined): string[] {
  if (!groups.includes(ADMIN_GROUP) || (enabledMfa ?? []).includes(TOTP)) return [...groups];
  return groups.filter((g) => g !== ADMIN_GROUP);
}
