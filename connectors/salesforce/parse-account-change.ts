// Pure: one AccountChangeEvent message (CometD, the same envelope as LeadChangeEvent) -> the
// accounts the mirror must re-read or drop (docs/accounts.md, "Keeping current"). Field values are
// not taken from the event: an UPDATE carries only the changed fields and a gap event none, so
// every named account is re-read by id through fetchAccounts, which also makes a late or repeated
// event harmless (the CRM's current state wins).
// - CREATE, UPDATE, UNDELETE -> 'changed' (re-read);
// - DELETE -> 'deleted' (applied without asking the CRM);
// - GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE: Salesforce could not build the event body
//   (the change was too large, or an internal error); the header still names the ids -> 'changed',
//   and a re-read that no longer finds an id marks it deleted;
// - GAP_OVERFLOW (one transaction changed more records than CDC sends events for), or a wildcard
//   id ("001*"): the ids it names are re-read, and `resync` asks for an incremental sync by
//   SystemModstamp, since the event cannot name everything that changed.
import type { AccountChange } from '../../src/connector.js';
import { namedRecordIds, readChangeMessage } from './parse-change-event.js';

export interface ParsedAccountChange {
  changes: AccountChange[];
  replayId: number;
  /** The event could not name every account that changed: an incremental sync should run. */
  resync: boolean;
  /** Why nothing was taken, for logs. */
  skipped?: string;
}

const reread = new Set(['CREATE', 'UPDATE', 'UNDELETE', 'GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE']);

export function parseAccountChangeEvent(data: unknown): ParsedAccountChange {
  const { replayId, header: h } = readChangeMessage(data, { allowNoIds: true });
  const ids = namedRecordIds(h);
  const wildcard = ids.length < h.recordIds.length;
  if (h.entityName !== 'Account') return { replayId, changes: [], resync: false, skipped: `${h.entityName} event` };
  if (h.changeType === 'DELETE')
    return { replayId, changes: ids.map((accountId) => ({ accountId, kind: 'deleted' })), resync: wildcard };
  if (reread.has(h.changeType) || h.changeType === 'GAP_OVERFLOW')
    return {
      replayId,
      changes: ids.map((accountId) => ({ accountId, kind: 'changed' })),
      resync: wildcard || h.changeType === 'GAP_OVERFLOW',
    };
  return { replayId, changes: [], resync: false, skipped: `unknown change type ${h.changeType}` };
}
