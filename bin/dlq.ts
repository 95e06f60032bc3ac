#!/usr/bin/env -S npx tsx
/** `npm run dlq -- status | redrive QUEUE`: the dead-letter queues of a local or deployed stack (see lib/opsCli.ts). */
import { dlqCommand } from '../lib/opsCli.ts';

process.exitCode = await dlqCommand(process.argv.slice(2));
