/**
 * Reading a server's WebSocket frames (RFC 6455 §5.2) from the bytes of a socket, after the fact.
 *
 * bench:live's watchers stamp the bytes of their sockets as they arrive and frame them after the show
 * (bench/liveWatchers.ts): a frame was received when the chunk that completed it arrived.
 */

/** Bytes as they arrived on a socket: when, and what. */
export type Chunk = [receivedAt: number, bytes: Buffer];
/** A text message, stamped with the arrival of its last byte. */
export type StampedText = [receivedAt: number, text: string];

const OPCODE_TEXT = 0x1;

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  end: number;
}

/** The frame that starts at `offset`, or undefined when its bytes have not all arrived. */
function frameAt(bytes: Buffer, offset: number): Frame | undefined {
  if (bytes.length - offset < 2) return undefined;
  const fin = (bytes[offset] & 0x80) !== 0;
  const opcode = bytes[offset] & 0x0f;
  if (bytes[offset + 1] & 0x80) throw new Error('a server never masks its frames (RFC 6455 §5.1)');
  let length = bytes[offset + 1] & 0x7f;
  let start = offset + 2;
  if (length === 126) {
    if (bytes.length < start + 2) return undefined;
    length = bytes.readUInt16BE(start);
    start += 2;
  } else if (length === 127) {
    if (bytes.length < start + 8) return undefined;
    length = Number(bytes.readBigUInt64BE(start));
    start += 8;
  }
  if (bytes.length < start + length) return undefined;
  return { fin, opcode, payload: bytes.subarray(start, start + length), end: start + length };
}

/** The text messages in a socket's chunks, in order; control frames (ping, pong, close) and a frame cut off at the end are left out. */
export function textMessagesOf(chunks: Chunk[]): StampedText[] {
  const messages: StampedText[] = [];
  let pending: Buffer = Buffer.alloc(0);
  for (const [receivedAt, bytes] of chunks) {
    pending = pending.length ? Buffer.concat([pending, bytes]) : bytes;
    let offset = 0;
    for (let frame = frameAt(pending, offset); frame; frame = frameAt(pending, offset)) {
      // Neither AppSync Events nor the local Event API splits a message into fragments.
      if (!frame.fin) throw new Error('a fragmented message (FIN clear): not expected from an Event API');
      if (frame.opcode === OPCODE_TEXT) messages.push([receivedAt, frame.payload.toString('utf8')]);
      offset = frame.end;
    }
    pending = pending.subarray(offset);
  }
  return messages;
}
