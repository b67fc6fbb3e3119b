// ContactChangeEvent -> the contacts the mirror re-reads or drops: only a change of Email or
// AccountId (set, or nulled) moves a contact-domain count, and of Email or OwnerId the people
// mirror (existingOwner); other updates are skipped.
import { describe, expect, it } from 'vitest';
import { parseContactChangeEvent } from '../../../../connectors/salesforce/index.js';

const C = '0035g00000AnnaAAAA';
const D = '0035g00000BettAAAA';
const message = (
  changeType: string,
  recordIds: string[],
  fields: { changed?: string[]; nulled?: string[]; body?: Record<string, unknown> } = {},
) => ({
  schema: 'contact-schema',
  payload: {
    ChangeEventHeader: {
      entityName: 'Contact',
      recordIds,
      changeType,
      changeOrigin: '',
      transactionKey: '0003c5e7-0000-0000-0000-000000000001',
      sequenceNumber: 1,
      commitTimestamp: 1752613930000,
      commitNumber: 1,
      commitUser: '0055g000003QrSuAAK',
      nulledFields: fields.nulled ?? [],
      diffFields: [],
      changedFields: fields.changed ?? [],
    },
    ...fields.body,
  },
  event: { replayId: 5151 },
});

describe('ContactChangeEvent -> contact changes (pure)', () => {
  it.each([
    ['CREATE', { body: { Email: 'ann@acme.example', AccountId: '0015g00000AcmeAAAA' } }, 'changed', false],
    ['UNDELETE', {}, 'changed', false],
    ['DELETE', {}, 'deleted', false],
    ['GAP_CREATE', {}, 'changed', false],
    ['GAP_UPDATE', {}, 'changed', false],
    ['GAP_DELETE', {}, 'changed', false],
    ['GAP_UNDELETE', {}, 'changed', false],
    ['GAP_OVERFLOW', {}, 'changed', true],
  ] as const)('%s', (changeType, fields, kind, resync) => {
    expect(parseContactChangeEvent(message(changeType, [C], fields))).toEqual({
      replayId: 5151,
      changes: [{ contactId: C, kind }],
      resync,
    });
  });

  it('an UPDATE of Email, AccountId or OwnerId is re-read, a nulled one too; one of another field is skipped', () => {
    const update = (changed: string[], nulled: string[] = [], body: Record<string, unknown> = {}) =>
      parseContactChangeEvent(message('UPDATE', [C, D], { changed, nulled, body }));
    const both = [
      { contactId: C, kind: 'changed' },
      { contactId: D, kind: 'changed' },
    ];
    expect(update(['Email', 'LastModifiedDate'], [], { Email: 'ann@globex.example' }).changes).toEqual(both);
    expect(update(['AccountId', 'LastModifiedDate'], [], { AccountId: '0015g00000BetaAAAA' }).changes).toEqual(both);
    // A new owner moves existingOwner's answer (the people mirror keeps OwnerId).
    expect(update(['OwnerId', 'LastModifiedDate'], [], { OwnerId: '0055g00000BoCAAAA2' }).changes).toEqual(both);
    // Salesforce lists a nulled field in changedFields and in nulledFields.
    expect(update(['Email', 'LastModifiedDate'], ['Email'], { Email: null }).changes).toEqual(both);
    expect(update(['Phone', 'LastModifiedDate'], [], { Phone: '+1 555' })).toEqual({
      replayId: 5151,
      changes: [],
      resync: false,
      skipped: 'Contact UPDATE of no mirrored field',
    });
    // A header that names no field at all says nothing: the contacts are re-read.
    expect(update([]).changes).toEqual(both);
  });

  it('a wildcard id asks for a sync; an Account event on this channel is skipped', () => {
    expect(parseContactChangeEvent(message('UPDATE', ['003*'], { changed: ['Phone'] }))).toEqual({
      replayId: 5151,
      changes: [],
      resync: true,
    });
    const account = message('UPDATE', [C], { changed: ['Email'] });
    account.payload.ChangeEventHeader.entityName = 'Account';
    expect(parseContactChangeEvent(account)).toMatchObject({ changes: [], skipped: 'Account event' });
  });
});
