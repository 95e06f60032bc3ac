/** The local stand-in for the analytics archive: JSON lines by type and day, each event id once. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { participantEvent, type DomainEvent } from '../../../lambda/domain/events.ts';
import { appendToArchive, archiveFile, resetArchiveCache } from '../../../lambda/store/eventArchive.ts';

const DAY1 = Date.UTC(2026, 4, 1, 23, 59, 59);
const DAY2 = Date.UTC(2026, 4, 2, 0, 0, 1);
const reg = (user: string, at: number): DomainEvent => participantEvent({ episode_id: 'ep1', user_id: user, registered_at: at });
const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as DomainEvent);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'archive-'));
  resetArchiveCache();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the local events archive', () => {
  it('writes one file per type and day of event time', async () => {
    expect(await appendToArchive(dir, [reg('a', DAY1), reg('b', DAY2)])).toBe(2);
    expect(readdirSync(join(dir, 'participant.registered')).sort()).toEqual(['2026-05-01.jsonl', '2026-05-02.jsonl']);
    expect(lines(archiveFile(dir, reg('a', DAY1))).map((e) => e.data)).toEqual([{ user_id: 'a', registered_at: DAY1 }]);
  });

  it('archives each id once, whether the batch is retried, repeats itself, or runs concurrently', async () => {
    const batch = [reg('a', DAY1), reg('b', DAY1), reg('a', DAY1)];
    const results = await Promise.all([appendToArchive(dir, batch), appendToArchive(dir, batch), appendToArchive(dir, [reg('c', DAY1)])]);
    expect(results.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await appendToArchive(dir, batch)).toBe(0);
    expect(lines(archiveFile(dir, reg('a', DAY1))).map((e) => ('user_id' in e.data ? e.data.user_id : '')).sort()).toEqual(['a', 'b', 'c']);
  });

  it('remembers what an earlier run wrote (ids are read back from the file), and survives a torn last line', async () => {
    const file = archiveFile(dir, reg('a', DAY1));
    mkdirSync(join(dir, 'participant.registered'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(reg('a', DAY1))}\n{"id":"tor`);
    expect(await appendToArchive(dir, [reg('a', DAY1), reg('b', DAY1)])).toBe(1);
    const text = readFileSync(file, 'utf8').split('\n');
    expect(text).toEqual([expect.any(String), '{"id":"tor', expect.any(String), '']);
    expect([text[0], text[2]].map((l) => (JSON.parse(l) as DomainEvent).data)).toEqual([
      { user_id: 'a', registered_at: DAY1 },
      { user_id: 'b', registered_at: DAY1 },
    ]);
  });
});
