/**
 * Publishing domain events to the event bus (EventBridge PutEvents), in requests of at most 10 entries and 256 KB,
 * retrying the entries EventBridge reports as failed; whatever still fails throws, so the caller's batch is retried
 * (event ids are stable, so a retry repeats ids, never invents events).
 *
 * Locally (`EVENT_BUS_NAME=local:archive`) there is no EventBridge: the events go straight to where the analytics
 * archive would put them, JSON lines under EVENTS_ARCHIVE_DIR (`<dir>/<type>/<yyyy-mm-dd>.jsonl`, by event time),
 * each id once even when a batch is retried (see lambda/store/eventArchive.ts).
 */
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { ClientEventRecord } from '../domain/clientEvents.ts';
import { EVENT_SOURCE, type DomainEvent } from '../domain/events.ts';
import { busName } from '../shared/env.ts';
import { appendToArchive } from './eventArchive.ts';
import { eventBridge } from './eventsClient.ts';

const LOCAL_ARCHIVE = 'local:archive';
const MAX_ENTRIES_PER_REQUEST = 10;
/** PutEvents takes 256 KB per request (entries' sizes summed as EventBridge counts them); keep a margin. */
const MAX_REQUEST_BYTES = 240 * 1024;
const MAX_ATTEMPTS = 5;
const CONCURRENT_REQUESTS = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What goes on the bus and into the archive: a domain event, or a client event's lake record (lambda/domain/clientEvents.ts). */
export type ArchivedEvent = DomainEvent | ClientEventRecord;

function toEntry(bus: string, e: ArchivedEvent): PutEventsRequestEntry {
  return { EventBusName: bus, Source: EVENT_SOURCE, DetailType: e.type, Detail: JSON.stringify(e), Time: new Date(e.time), Resources: [] };
}

/** EventBridge's entry size: source, detail type, detail and resources in UTF-8, plus 14 bytes for the time. */
const entrySize = (entry: PutEventsRequestEntry) =>
  14 + [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])].reduce((n, s) => n + Buffer.byteLength(s ?? '', 'utf8'), 0);

/** Splits entries into requests of at most 10 entries and MAX_REQUEST_BYTES. */
function chunkEntries(entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const chunks: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (current.length > 0 && (current.length >= MAX_ENTRIES_PER_REQUEST || bytes + size > MAX_REQUEST_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Sends one request's entries, retrying the failed ones with backoff; throws if some still fail. */
async function putChunk(entries: PutEventsRequestEntry[]): Promise<void> {
  let pending = entries;
  let lastError = '';
  for (let attempt = 0; attempt < MAX_ATTEMPTS && pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(50 * 2 ** attempt);
    const out = await eventBridge.send(new PutEventsCommand({ Entries: pending }));
    if (!out.FailedEntryCount) return;
    const results = out.Entries ?? [];
    const failed = pending.filter((_, i) => results[i]?.ErrorCode || !results[i]?.EventId);
    lastError = results.find((r) => r.ErrorCode)?.ErrorCode ?? 'unknown';
    pending = failed;
  }
  if (pending.length > 0) throw new Error(`PutEvents: ${pending.length} entries still failed after ${MAX_ATTEMPTS} attempts (${lastError})`);
}

export async function publishEvents(events: ArchivedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const bus = busName('events');
  if (bus === LOCAL_ARCHIVE) {
    const dir = process.env.EVENTS_ARCHIVE_DIR;
    if (!dir) throw new Error('EVENT_BUS_NAME is local:archive but EVENTS_ARCHIVE_DIR is not set');
    await appendToArchive(dir, events);
    return;
  }
  const chunks = chunkEntries(events.map((e) => toEntry(bus, e)));
  for (let i = 0; i < chunks.length; i += CONCURRENT_REQUESTS) {
    await Promise.all(chunks.slice(i, i + CONCURRENT_REQUESTS).map(putChunk));
  }
}
