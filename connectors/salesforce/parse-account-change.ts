// Pure: one AccountChangeEvent or ContactChangeEvent message (CometD, the same envelope as
// LeadChangeEvent) -> the records the mirror must re-read or drop (docs/accounts.md, "Keeping
// current"). Field values are not taken from the event: an UPDATE carries only the changed fields
// and a gap event none, so every named record is re-read by id (fetchAccounts,
// fetchAccountContacts), which also makes a late or repeated event harmless (the CRM's current
// state wins).
// - CREATE, UPDATE, UNDELETE -> 'changed' (re-read); a Contact UPDATE only when Email, AccountId or
//   OwnerId is among its changedFields or nulledFields (nothing else moves a contact-domain count or
//   the people mirror);
// - DELETE -> 'deleted' (applied without asking the CRM);
// - GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE: Salesforce could not build the event body
//   (the change was too large, or an internal error); the header still names the ids -> 'changed',
//   and a re-read that no longer finds an id marks it deleted;
// - GAP_OVERFLOW (one transaction changed more records than CDC sends events for), or a wildcard
//   id ("001*"): the ids it names are re-read, and `resync` asks for an incremental sync by
//   SystemModstamp, since the event cannot name everything that changed.
import type { AccountChange, ContactChange } from '../../src/connector.js';
import { namedRecordIds, readChangeMessage, type ChangeEventHeader } from './parse-change-event.js';

interface ParsedMirrorChange<C> {
  changes: C[];
  replayId: number;
  /** The event could not name every record that changed: an incremental sync should run. */
  resync: boolean;
  /** Why nothing was taken, for logs. */
  skipped?: string;
}

export type ParsedAccountChange = ParsedMirrorChange<AccountChange>;
export type ParsedContactChange = ParsedMirrorChange<ContactChange>;

const reread = new Set(['CREATE', 'UPDATE', 'UNDELETE', 'GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE']);

/** The ids a change event names for `entity`, as changed or deleted; `relevant` may skip an UPDATE. */
function parseMirrorChange(
  data: unknown,
  entity: string,
  relevant: (h: ChangeEventHeader) => boolean = () => true,
): ParsedMirrorChange<{ id: string; kind: 'changed' | 'deleted' }> {
  const { replayId, header: h } = readChangeMessage(data, { allowNoIds: true });
  const ids = namedRecordIds(h);
  const wildcard = ids.length < h.recordIds.length;
  if (h.entityName !== entity) return { replayId, changes: [], resync: false, skipped: `${h.entityName} event` };
  if (h.changeType === 'DELETE')
    return { replayId, changes: ids.map((id) => ({ id, kind: 'deleted' })), resync: wildcard };
  if (h.changeType === 'UPDATE' && !wildcard && !relevant(h))
    return { replayId, changes: [], resync: false, skipped: `${entity} UPDATE of no mirrored field` };
  if (reread.has(h.changeType) || h.changeType === 'GAP_OVERFLOW')
    return {
      replayId,
      changes: ids.map((id) => ({ id, kind: 'changed' })),
      resync: wildcard || h.changeType === 'GAP_OVERFLOW',
    };
  return { replayId, changes: [], resync: false, skipped: `unknown change type ${h.changeType}` };
}

export function parseAccountChangeEvent(data: unknown): ParsedAccountChange {
  const { changes, ...rest } = parseMirrorChange(data, 'Account');
  return { ...rest, changes: changes.map((c) => ({ accountId: c.id, kind: c.kind })) };
}

/** Contact fields the mirrors keep: a change of another field moves no contact-domain count and no person. */
const contactFields = ['Email', 'AccountId', 'OwnerId'];

export function parseContactChangeEvent(data: unknown): ParsedContactChange {
  const { changes, ...rest } = parseMirrorChange(data, 'Contact', (h) => {
    const named = [...(h.changedFields ?? []), ...(h.nulledFields ?? [])];
    // An UPDATE always names LastModifiedDate; a header naming nothing says nothing: re-read.
    return named.length === 0 || contactFields.some((f) => named.includes(f));
  });
  return { ...rest, changes: changes.map((c) => ({ contactId: c.id, kind: c.kind })) };
}
