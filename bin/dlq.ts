#!/usr/bin/env -S npx tsx
/**
 * `npm run dlq -- [status] | redrive QUEUE [--outputs FILE] [--stack NAME] [--json]`: the dead-letter queues of a
 * local or deployed stack. It is `trivia dlq` (client/cli/commands/dlq.ts), signed in the way `trivia` is.
 */
process.argv.splice(2, 0, 'dlq');
await import('./trivia.ts');
