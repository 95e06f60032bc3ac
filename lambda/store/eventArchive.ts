/**
 * The local stand-in for the analytics archive (EventBridge → Firehose → S3): JSON lines under one directory, one
 * file per type and day of event time, `<dir>/<type>/<yyyy-mm-dd>.jsonl`, the same records Firehose writes to
 * `events/event_type=<type>/dt=<yyyy-mm-dd>/` in AWS.
 *
 * Each event id is archived once. An event's file follows from the event itself (its type and time never change on a
 * retry), so deduplication needs only the ids already in that file: read once per container, then kept. Appends to a
 * file are serialized within the container; the local stack runs one container per function, and each event type is
 * published by one function only (response.rejected by the answer handler, all others by publishEvents).
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
/** Any archived record: an id, a type and an ISO time (domain events, client events' lake records). */
type ArchivedRecord = { id: string; type: string; time: string };

export const archiveFile = (dir: string, e: { type: string; time: string }) => join(dir, e.type, `${e.time.slice(0, 10)}.jsonl`);

const known = new Map<string, Promise<{ ids: Set<string>; torn: boolean }>>();
const queues = new Map<string, Promise<unknown>>();

async function idsIn(file: string): Promise<{ ids: Set<string>; torn: boolean }> {
  let text = '';
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const ids = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      ids.add((JSON.parse(line) as { id: string }).id);
    } catch {
      /* a torn last line (a crash mid-append): its event is appended again whole */
    }
  }
  // A file that does not end with a newline was cut mid-line: the next append starts on a line of its own.
  return { ids, torn: text.length > 0 && !text.endsWith('\n') };
}

/** Runs `task` after every earlier task on the same file. */
function serialized<T>(file: string, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(file) ?? Promise.resolve()).then(task, task);
  const tail = run.catch(() => undefined);
  queues.set(file, tail);
  void tail.then(() => {
    if (queues.get(file) === tail) queues.delete(file);
  });
  return run;
}

/** Appends the events not yet archived; returns how many were new. */
export async function appendToArchive(dir: string, events: ArchivedRecord[]): Promise<number> {
  const byFile = new Map<string, ArchivedRecord[]>();
  for (const e of events) {
    const file = archiveFile(dir, e);
    byFile.set(file, [...(byFile.get(file) ?? []), e]);
  }
  const added = await Promise.all(
    [...byFile].map(([file, list]) =>
      serialized(file, async () => {
        let ids = known.get(file);
        if (!ids) {
          ids = idsIn(file);
          known.set(file, ids);
          ids.catch(() => known.delete(file));
        }
        const state = await ids;
        const seen = state.ids;
        const fresh: ArchivedRecord[] = [];
        const batch = new Set<string>();
        for (const e of list) {
          if (seen.has(e.id) || batch.has(e.id)) continue;
          batch.add(e.id);
          fresh.push(e);
        }
        if (fresh.length === 0) return 0;
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, (state.torn ? '\n' : '') + fresh.map((e) => `${JSON.stringify(e)}\n`).join(''));
        state.torn = false;
        for (const e of fresh) seen.add(e.id);
        return fresh.length;
      }),
    ),
  );
  return added.reduce((a, b) => a + b, 0);
}

/** Forgets what this container knows about the files (tests that delete the directory). */
export const resetArchiveCache = () => known.clear();
