#!/usr/bin/env -S npx tsx
/** `npm run canary`: the canary's check, once, against a local or deployed stack (see lib/opsCli.ts). */
import { canaryCommand } from '../lib/opsCli.ts';

process.exitCode = await canaryCommand(process.argv.slice(2));
