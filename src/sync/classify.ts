// Classifying one CRM owner change against the ledger of its record. The contract:
//  1. echo by origin: our integration made it (HubSpot app id, Salesforce changeOrigin client,
//     or our dedicated integration user) -> confirm the write; never a conflict;
//  2. echo by value: the new owner is one we wrote within echoWindowSeconds of the change (either
//     side: our writtenAt is when the CRM answered, which can be after its commit time) -> confirm;
//  3. stale: older than the last ownership fact applied (CRMs deliver out of order) -> record, ignore;
//  4. noop: the owner we already know, not from us (a poll reports the owner on any change);
//  5. otherwise manual: a person or another system reassigned it, and the conflict policy decides.
// Echoes come before stale on purpose: a late echo still confirms its write, and changes nothing else.
import type { Classification, ClassifyOptions, LedgerWrite, OwnershipChange, OwnershipLedger } from './types.js';

export const defaultEchoWindowSeconds = 120;

/** Our writes of this owner, best candidate first: unconfirmed before confirmed, then nearest in time. */
function writesOf(ownerId: string | null, writes: readonly LedgerWrite[], atMs: number): LedgerWrite[] {
  if (ownerId === null) return [];
  const distance = (w: LedgerWrite) => Math.abs(w.writtenAt.getTime() - atMs);
  return writes
    .filter((w) => w.ownerId === ownerId && w.status !== 'failed')
    .sort((a, b) => Number(Boolean(a.confirmedAt)) - Number(Boolean(b.confirmedAt)) || distance(a) - distance(b));
}

export function classifyOwnershipChange(
  change: OwnershipChange,
  ledger: OwnershipLedger,
  options: ClassifyOptions = {},
): Classification {
  const atMs = Date.parse(change.occurredAt);
  const candidates = writesOf(change.newOwnerId, ledger.writes, atMs);

  if (ledger.identity.isOwnWrite(change)) {
    // No write with this owner: a write older than the ledger, or CRM automation inside our own
    // transaction. Still ours, so never a conflict; the caller records the CRM's owner as a fact.
    return { kind: 'echo', writeId: candidates[0]?.writeId ?? null, matchedBy: 'origin' };
  }

  const windowMs = (options.echoWindowSeconds ?? defaultEchoWindowSeconds) * 1000;
  const byValue = candidates.find((w) => !w.confirmedAt && Math.abs(w.writtenAt.getTime() - atMs) <= windowMs);
  if (byValue) return { kind: 'echo', writeId: byValue.writeId, matchedBy: 'value' };

  const last = ledger.lastAppliedAt;
  if (last && atMs < last.getTime()) return { kind: 'stale', lastAppliedAt: last };

  if (ledger.currentOwnerId !== undefined && change.newOwnerId === ledger.currentOwnerId) return { kind: 'noop' };

  return { kind: 'manual', by: change.changedBy ?? change.sourceId ?? null, source: change.changeSource ?? null };
}
