/** Ports for the local peers: free ones picked by the OS, and a clear error when a requested one is taken. */
import { createServer } from 'node:net';
import { LocalStackError } from './errors.ts';

export const LOCAL_HOST = '127.0.0.1';

/** A port that was free a moment ago (bind to port 0, read it, release it). */
export function freePort(host = LOCAL_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

export function portInUse(port: number, what: string, hint = ''): LocalStackError {
  return new LocalStackError('port_in_use', `port ${port} is already in use (${what})${hint ? `; ${hint}` : ''}`);
}

export const isAddressInUse = (err: unknown) => (err as NodeJS.ErrnoException)?.code === 'EADDRINUSE';

/** Fails fast (before anything slow starts) when a port that was asked for is taken. */
export function assertPortFree(port: number, host: string, what: string, hint = ''): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', (err) => reject(isAddressInUse(err) ? portInUse(port, what, hint) : err));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
