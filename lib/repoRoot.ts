import { fileURLToPath } from 'node:url';

/** The repository's root directory: function entries (lib/wiring.ts), outputs files and the CLIs' search start here. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
