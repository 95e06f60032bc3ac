#!/usr/bin/env -S npx tsx
/** `npm run dlq -- status | redrive QUEUE`: the dead-letter queues of a local or deployed stack (see lib/ops-cli.ts). */
import { dlqCommand } from '../lib/ops-cli.ts';

process.exitCode = await dlqCommand(process.argv.slice(2));
