// Boots the local Lambda runtime thread: TypeScript support (tsx), then the invoke loop in runtimeWorker.ts.
// The thread has its own process.env (the functions' environment), set before any handler module is imported.
import { register } from 'tsx/esm/api';

register();
await import('./runtimeWorker.ts');
