// Ids the application makes itself for rows of the tables that grow per lead (an SLA breach's
// assignment and outbox row, an ownership change's rows, a web form lead's idempotency key):
// time-ordered like those columns' own default (src/db/schema.ts timeOrderedId), so they too land on
// the rightmost leaves of their indexes instead of a random leaf of a tree years of history made large.
import { randomBytes } from 'node:crypto';

/** A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, the version (7), the variant (10), 74 random bits. */
export function timeOrderedUuid(nowMs: number = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(nowMs, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
