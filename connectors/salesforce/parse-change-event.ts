// Pure: one Change Data Capture message (what faye hands a CometD subscriber:
// { schema, payload: { ChangeEventHeader, ...fields }, event: { replayId } }) -> InboundEvents.
// - CREATE (and GAP_CREATE, which has no field values) -> 'created' per record id;
// - UPDATE with OwnerId in changedFields -> 'ownerChanged', carrying the header's changeOrigin,
//   commitUser and transactionKey: sync/ needs them to tell our own write-back (origin
//   ";client=lead-router") from a person's reassignment;
// - other changes are not routing triggers and are skipped with a reason.
// sourceEventId = transactionKey:sequenceNumber:recordId. Replay ids are not used for it: they are
// per channel and may repeat after an org migration; the header pair is unique per change.
import type { InboundEvent } from '../../src/connector.js';
import { errors } from '../../src/errors.js';

export interface ChangeEventHeader {
  entityName: string;
  recordIds: string[];
  changeType: string;
  changeOrigin?: string | null;
  transactionKey: string;
  sequenceNumber: number;
  commitTimestamp: number;
  commitUser?: string;
  changedFields?: string[];
  /** Fields an UPDATE set to null (they are in changedFields too). */
  nulledFields?: string[];
}

export interface ChangeEventMessage {
  schema?: string;
  payload: Record<string, unknown> & { ChangeEventHeader: ChangeEventHeader };
  event: { replayId: number };
}

export interface ParsedChange {
  events: InboundEvent[];
  replayId: number;
  /** Why nothing was emitted, for logs and counters. */
  skipped?: string;
}

const fail = (path: string, message: string) => errors.validation([{ path, message }]);

/**
 * The message's replay id and header, checked (VALIDATION_FAILED names the path). recordIds may be
 * empty only where `allowNoIds` (an overflow event of a huge transaction need not name them).
 */
export function readChangeMessage(
  data: unknown,
  opts: { allowNoIds?: boolean } = {},
): { replayId: number; header: ChangeEventHeader; payload: ChangeEventMessage['payload'] } {
  const msg = data as Partial<ChangeEventMessage> | undefined;
  const replayId = msg?.event?.replayId;
  if (typeof replayId !== 'number') throw fail('event.replayId', 'must be a number');
  const h = msg?.payload?.ChangeEventHeader;
  if (!h || typeof h !== 'object') throw fail('payload.ChangeEventHeader', 'is required');
  if (!Array.isArray(h.recordIds) || (h.recordIds.length === 0 && !opts.allowNoIds))
    throw fail('payload.ChangeEventHeader.recordIds', 'must list record ids');
  if (typeof h.transactionKey !== 'string' || typeof h.entityName !== 'string') {
    throw fail('payload.ChangeEventHeader', 'needs entityName and transactionKey');
  }
  if (typeof h.changeType !== 'string') throw fail('payload.ChangeEventHeader.changeType', 'must be a string');
  return { replayId, header: h, payload: msg!.payload! };
}

/** Record ids a change names; a wildcard ("00Q*") marks a schema-wide change, not a record. */
export const namedRecordIds = (h: ChangeEventHeader) =>
  h.recordIds.filter((id) => typeof id === 'string' && id !== '' && !id.endsWith('*'));

export function parseChangeEvent(data: unknown): ParsedChange {
  const { replayId, header: h, payload } = readChangeMessage(data);
  const ids = namedRecordIds(h);
  const occurredAt = new Date(h.commitTimestamp).toISOString();
  const base = (id: string) => ({
    sourceEventId: `${h.transactionKey}:${h.sequenceNumber}:${id}`,
    record: { crm: 'salesforce' as const, objectType: h.entityName, id },
    occurredAt,
  });
  const fields = bodyFields(payload);

  if (h.changeType === 'CREATE' || h.changeType === 'GAP_CREATE') {
    const carried = h.changeType === 'CREATE' ? { fields } : {};
    return { replayId, events: ids.map((id) => ({ ...base(id), kind: 'created', ...carried })) };
  }
  if (h.changeType === 'UPDATE' && (h.changedFields ?? []).includes('OwnerId')) {
    const owner = fields['OwnerId'];
    return {
      replayId,
      events: ids.map((id) => ({
        ...base(id),
        kind: 'ownerChanged',
        newOwnerId: typeof owner === 'string' ? owner : null,
        ...(h.commitUser ? { changedBy: h.commitUser } : {}),
        // An empty origin means a UI or automation change; keep it absent rather than "".
        ...(h.changeOrigin ? { changeSource: h.changeOrigin } : {}),
        transactionKey: h.transactionKey,
      })),
    };
  }
  return { replayId, events: [], skipped: `${h.changeType} without an owner change` };
}

/**
 * Payload fields without the header. Compound fields (Name, Address) arrive nested over CometD;
 * they are flattened to their component fields (FirstName, MailingCity, ...) so a mapping sees the
 * same names as in SOQL results and outbound messages.
 */
function bodyFields(payload: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) {
    if (k === 'ChangeEventHeader') continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      // MailingAddress { City } -> MailingCity; Lead Address { City } -> City; Name { FirstName } -> FirstName.
      const prefix = k.endsWith('Address') ? k.slice(0, -'Address'.length) : '';
      for (const [ck, cv] of Object.entries(v as Record<string, unknown>)) out[prefix + ck] = cv;
    } else {
      out[k] = v;
    }
  }
  return out;
}
