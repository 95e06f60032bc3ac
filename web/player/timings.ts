/**
 * When live items arrive and when each question appears, kept in the page (`window.__triviaTimings`) so that a
 * browser test measures the push-to-screen delay where the player sees it.
 */
export type Timing =
  | { kind: 'received'; type: string; state: string; seq: number; server_time: number; index: number; at?: number }
  | { kind: 'shown'; index: number; server_now: number; at?: number };

declare global {
  interface Window {
    __triviaTimings?: Timing[];
  }
}

export function recordTiming(t: Timing): void {
  (window.__triviaTimings ??= []).push({ ...t, at: performance.now() });
  if (window.__triviaTimings.length > 500) window.__triviaTimings.shift();
}
