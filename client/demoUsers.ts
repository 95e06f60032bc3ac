/**
 * The demo users every local stack creates (lib/local/cognito.ts), and the password every local user gets unless
 * given one. The CLIs, the demo and the tests sign in with these names rather than with copies of the values.
 */
export const DEMO_PASSWORD = 'Passw0rd!';
export const DEMO_ADMIN_EMAIL = 'admin@example.com';
export const DEMO_PLAYER_COUNT = 20;
export const demoPlayerEmail = (i: number) => `player${i}@example.com`;
