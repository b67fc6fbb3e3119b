import { expect, it } from 'vitest';
import { parseAccountChanges, parseContactChanges } from '../../../../connectors/hubspot/account-changes.js';

const body = (events: unknown) => ({ rawBody: JSON.stringify(events) });

it('reads company events as account changes, merges drop the merged-away ids, other events are not changes', () => {
  expect(
    parseAccountChanges(
      body([
        { subscriptionType: 'company.propertyChange', objectId: 7 },
        { subscriptionType: 'company.deletion', objectId: '8' },
        { subscriptionType: 'object.creation', objectTypeId: '0-2', objectId: 9 },
        { subscriptionType: 'company.merge', objectId: 10, mergedObjectIds: [11] },
        { subscriptionType: 'contact.creation', objectId: 12 },
      ]),
    ),
  ).toEqual([
    { accountId: '7', kind: 'changed' },
    { accountId: '8', kind: 'deleted' },
    { accountId: '9', kind: 'changed' },
    { accountId: '10', kind: 'changed' },
    { accountId: '11', kind: 'deleted' },
  ]);
});

it('never throws on hostile items (a toString that is not a function, non-strings, nulls)', () => {
  const hostile = [{ subscriptionType: [{ toString: 'x' }], objectId: 1 }, { objectTypeId: { toString: 1 } }, null, 3];
  expect(parseAccountChanges(body(hostile))).toEqual([]);
  expect(parseAccountChanges({ rawBody: 'not json' })).toEqual([]);
});

it('takes only ids HubSpot can send: at most 20 digits or a safe integer (a longer one is no change at all)', () => {
  const events = [
    { subscriptionType: 'company.deletion', objectId: '9'.repeat(21) },
    { subscriptionType: 'contact.deletion', objectId: '9'.repeat(3000) },
    { subscriptionType: 'company.creation', objectId: 2 ** 60 },
    { subscriptionType: 'company.creation', objectId: '18446744073709551615' },
  ];
  expect(parseAccountChanges(body(events))).toEqual([{ accountId: '18446744073709551615', kind: 'changed' }]);
  expect(parseContactChanges(body(events))).toEqual([]);
});

it('reads contact changes that move a domain count or the people mirror (email, company, owner); other properties are not', () => {
  expect(
    parseContactChanges(
      body([
        { subscriptionType: 'contact.propertyChange', objectId: 1, propertyName: 'hubspot_owner_id' },
        { subscriptionType: 'contact.propertyChange', objectId: 2, propertyName: 'email' },
        { subscriptionType: 'contact.propertyChange', objectId: 3, propertyName: 'associatedcompanyid' },
        { subscriptionType: 'contact.propertyChange', objectId: 4, propertyName: 'phone' },
        { subscriptionType: 'contact.deletion', objectId: 5 },
      ]),
    ),
  ).toEqual([
    { contactId: '1', kind: 'changed' },
    { contactId: '2', kind: 'changed' },
    { contactId: '3', kind: 'changed' },
    { contactId: '5', kind: 'deleted' },
  ]);
});
