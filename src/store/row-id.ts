/**
 * Row ids: UUIDv7, random but ordered by creation time (and within one millisecond by a
 * counter), so rows with the same timestamp list in the order they were written.
 */
import type * as Crypto from 'node:crypto';

// Loaded on first use, so opening the store for a read does not load node:crypto.
let crypto: typeof Crypto | undefined;

let lastIdMs = 0;
let idCounter = 0;

/**
 * A new time-ordered id.
 *
 * @example newRowId() // '0197a3c2-…'
 */
export function newRowId(): string {
  let ms = Date.now();
  if (ms > lastIdMs) {
    idCounter = 0;
  } else {
    ms = lastIdMs;
    idCounter += 1;
    if (idCounter > 0xfff) {
      ms += 1;
      idCounter = 0;
    }
  }
  lastIdMs = ms;
  crypto ??= process.getBuiltinModule('node:crypto');
  const bytes = crypto.randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (idCounter >> 8);
  bytes[7] = idCounter & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
