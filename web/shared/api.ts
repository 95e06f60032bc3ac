/** The typed client of client/ for the browser: the API's URL from config.json, tokens from the session. */
import { TriviaClient } from '../../client/client.ts';
import type { RealtimeSocketConstructor } from '../../client/realtime.ts';
import type { AppConfig } from './config.ts';
import type { Session } from './session.ts';

export function createClient(config: AppConfig, session: Session): TriviaClient {
  const { EventApiRealtimeEndpoint: realtimeUrl, EventApiHttpEndpoint: httpUrl } = config;
  return new TriviaClient({
    apiUrl: config.ApiUrl,
    auth: session,
    retry: { attempts: 3 },
    // The live channel with the browser's own WebSocket; without its endpoints `watch` polls the public snapshot.
    ...(realtimeUrl && httpUrl ? { realtime: { realtimeUrl, httpUrl, WebSocket: WebSocket as unknown as RealtimeSocketConstructor } } : {}),
  });
}

/** A readable line for an error the API or the network gave. */
export function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string; status?: number };
  return e?.code ? `${e.message ?? e.code} (${e.code})` : (e?.message ?? String(err));
}
