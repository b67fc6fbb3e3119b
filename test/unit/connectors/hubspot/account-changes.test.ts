import { expect, it } from 'vitest';
import { parseAccountChanges } from '../../../../connectors/hubspot/account-changes.js';

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
