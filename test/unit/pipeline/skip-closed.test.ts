// Which new records count as created closed (routing.sync.closedWhen on creation events).
import { describe, expect, it } from 'vitest';
import { closedOnCreation, skippedAsClosed } from '../../../src/pipeline/skip-closed.js';
import type { ClaimCondition } from '../../../src/routing/index.js';

const closedWhen: ClaimCondition[] = [
  { field: 'Status', in: ['Closed - Won', 'Closed - Lost'] },
  { field: 'IsConverted', in: ['true'] },
  { field: 'lifecyclestage', changedFrom: 'lead' },
];

describe('closedOnCreation', () => {
  const cases: Array<[string, Record<string, unknown>, ClaimCondition | undefined]> = [
    ['a closed status (values and field names ignore case)', { status: ' closed - won ' }, closedWhen[0]],
    ['a converted flag (a boolean compares as text)', { IsConverted: true }, closedWhen[1]],
    ['an open status', { Status: 'Open' }, undefined],
    ['the field absent', { Email: 'a@acme.com' }, undefined],
    ['a blank value', { Status: '' }, undefined],
    ['changedFrom never applies to a creation', { lifecyclestage: 'customer' }, undefined],
  ];
  it.each(cases)('%s', (_name, fields, expected) => {
    expect(closedOnCreation(closedWhen, fields)).toEqual(expected);
  });

  it('notIn: closed when the value is none of the open ones', () => {
    const open: ClaimCondition[] = [{ field: 'Status', notIn: ['New', 'Working'] }];
    expect(closedOnCreation(open, { Status: 'Converted' })).toEqual(open[0]);
    expect(closedOnCreation(open, { Status: 'working' })).toBeUndefined();
  });

  it('builds a skipped decision naming the field and its value', () => {
    expect(skippedAsClosed(closedWhen[0]!, { status: 'Closed - Lost' })).toEqual({
      kind: 'skipped',
      code: 'SKIPPED',
      ruleId: 'closedWhen',
      skipReason: 'created closed: Status is "Closed - Lost" (routing.sync.closedWhen)',
      reasons: [{ code: 'SKIPPED', detail: 'created closed: Status is "Closed - Lost" (routing.sync.closedWhen)' }],
      trace: { rules: [] },
      stateChange: { cursors: {}, counterDeltas: {} },
    });
  });
});
