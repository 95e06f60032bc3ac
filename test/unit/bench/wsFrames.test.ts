/**
 * bench/wsFrames.ts: server frames read back from a socket's chunks, each stamped with the chunk that completed it,
 * whatever the chunks' boundaries; frames written by the local Event API's own writer (lib/local/eventApi/frames.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textFrameHeader } from '../../../lib/local/eventApi/frames.ts';
import { textMessagesOf, type Chunk } from '../../../bench/wsFrames.ts';

const textFrame = (text: string) => {
  const payload = Buffer.from(text);
  return Buffer.concat([textFrameHeader(payload.length), payload]);
};
const ping = Buffer.from([0x89, 0x00]);

describe('textMessagesOf', () => {
  it('reads the text messages of one chunk, in order, and leaves control frames out', () => {
    const chunk = Buffer.concat([textFrame('{"type":"ka"}'), ping, textFrame('{"type":"data","id":"s1"}')]);
    expect(textMessagesOf([[5, chunk]])).toEqual([
      [5, '{"type":"ka"}'],
      [5, '{"type":"data","id":"s1"}'],
    ]);
  });

  it('reads every payload length form: 7-bit, 16-bit and 64-bit', () => {
    const texts = ['a'.repeat(125), 'b'.repeat(126), 'c'.repeat(65_535), 'd'.repeat(65_536)];
    expect(textMessagesOf([[1, Buffer.concat(texts.map(textFrame))]]).map(([, t]) => t)).toEqual(texts);
  });

  it('stamps a message with the arrival of the chunk that completed it, wherever the chunks are cut', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 300 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (texts, cuts) => {
        const frames = texts.map(textFrame);
        const bytes = Buffer.concat(frames);
        const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const bounds = [0, ...at, bytes.length];
        const chunks: Chunk[] = bounds.slice(1).map((end, i) => [i, bytes.subarray(bounds[i], end)]);
        // The chunk that holds a frame's last byte.
        let end = 0;
        const expected = frames.map((f, i) => {
          end += f.length;
          return [bounds.findIndex((b) => b >= end) - 1, texts[i]];
        });
        expect(textMessagesOf(chunks)).toEqual(expected);
      }),
    );
  });

  it('leaves out a frame whose bytes have not all arrived', () => {
    const frame = textFrame('{"type":"data"}');
    expect(textMessagesOf([[1, frame.subarray(0, frame.length - 1)]])).toEqual([]);
  });

  it('refuses a masked frame or a fragment, which no Event API sends', () => {
    expect(() => textMessagesOf([[1, Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x61])]])).toThrow(/mask/);
    expect(() => textMessagesOf([[1, Buffer.from([0x01, 0x01, 0x61])]])).toThrow(/fragmented/);
  });
});
