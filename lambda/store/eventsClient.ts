/** The EventBridge client, at module scope (one per container), apart from clients.ts so only publishers load it. */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { traced } from '../shared/powertools.ts';

export const eventBridge = traced(new EventBridgeClient({ maxAttempts: 6 }));
