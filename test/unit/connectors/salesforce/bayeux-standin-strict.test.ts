// The Bayeux stand-in refuses change events the real org never sends, so a test cannot hand the
// connector a shape Salesforce does not produce (test/support/bayeux-standin.ts checkChangeEvent).
import { describe, expect, it } from 'vitest';
import { checkChangeEvent } from '../../../support/bayeux-standin.js';

const CONTACTS = '/data/ContactChangeEvent';
const event = (header: Record<string, unknown>, body: Record<string, unknown> = {}) => ({
  ChangeEventHeader: {
    entityName: 'Contact',
    recordIds: ['0035g00000AnnaAAAA'],
    changeType: 'UPDATE',
    changeOrigin: '',
    transactionKey: 'tx-1',
    sequenceNumber: 1,
    commitTimestamp: 1752613930000,
    commitNumber: 1,
    commitUser: '0055g000003QrSuAAK',
    nulledFields: [],
    diffFields: [],
    changedFields: ['Email', 'LastModifiedDate'],
    ...header,
  },
  ...body,
});

describe('the Bayeux stand-in is as strict as Salesforce about change events', () => {
  it('takes the shapes Salesforce sends', () => {
    expect(() => checkChangeEvent(CONTACTS, event({}, { Email: 'a@b.example' }))).not.toThrow();
    expect(() => checkChangeEvent(CONTACTS, event({ nulledFields: ['Email'] }, { Email: null }))).not.toThrow();
    expect(() =>
      checkChangeEvent(CONTACTS, event({ changeType: 'GAP_OVERFLOW', recordIds: [], changedFields: [] })),
    ).not.toThrow();
  });

  it.each([
    ['another entity on the channel', event({ entityName: 'Account' })],
    ['an UPDATE without LastModifiedDate', event({ changedFields: ['Email'] }, { Email: 'a@b.example' })],
    ['a body field not in changedFields', event({}, { Phone: '+1' })],
    ['a nulled field not in changedFields', event({ nulledFields: ['Phone'] })],
    ['a null not in nulledFields', event({}, { Email: null })],
    ['changedFields on a CREATE', event({ changeType: 'CREATE' })],
    ['a body on a DELETE', event({ changeType: 'DELETE', changedFields: [] }, { Email: 'a@b.example' })],
    ['a gap event with field values', event({ changeType: 'GAP_UPDATE', changedFields: [] }, { Email: 'x' })],
    ['no record ids', event({ recordIds: [] })],
    ['an unknown change type', event({ changeType: 'MERGE', changedFields: [] })],
    ['a header field missing', event({ commitUser: undefined })],
  ])('refuses %s', (_why, payload) => {
    expect(() => checkChangeEvent(CONTACTS, payload)).toThrow(/refuses a change event/);
  });
});
