#!/usr/bin/env -S npx tsx
/** `npm run canary`: the canary's check, once, against a local or deployed stack (see client/cli/canary.ts). */
import { canaryCommand } from '../client/cli/canary.ts';

process.exitCode = await canaryCommand(process.argv.slice(2));
