import { describe, expect, it } from 'vitest';
import { applyRoutingForm } from '../../../../src/http/console/routing-form.js';

const doc = {
  mappings: { 'api/lead': { fields: [] } },
  routing: {
    reps: [
      { id: 'ana', name: 'Ana', weight: 1, capPerDay: 10, crmIds: {} },
      { id: 'bo', name: 'Bo', crmIds: {} },
    ],
    pools: [{ id: 'inbound', strategy: 'round_robin', members: ['ana', 'bo'] }],
    rules: [
      { id: 'de', when: { field: 'country', op: 'eq', value: 'DE' }, action: { pool: 'inbound' } },
      { id: 'everyone', when: { match: 'always' }, action: { pool: 'inbound' } },
    ],
  },
};

describe('applyRoutingForm', () => {
  it('changes only the fields the form sent, and keeps the rest of the document', () => {
    const out = applyRoutingForm(doc, {
      'reps[0].weight': '2.5',
      'reps[0].capPerDay': '',
      'reps[1].present': '1',
      'reps[1].maxOpen': '7',
      'pools[0].strategy': 'weighted_round_robin',
      'pools[0].members': 'ana, bo,  cy',
    }) as typeof doc;
    expect(out.routing.reps).toEqual([
      { id: 'ana', name: 'Ana', weight: 2.5, crmIds: {} },
      { id: 'bo', name: 'Bo', active: false, maxOpen: 7, crmIds: {} },
    ]);
    expect(out.routing.pools).toEqual([
      { id: 'inbound', strategy: 'weighted_round_robin', members: ['ana', 'bo', 'cy'] },
    ]);
    expect(out.routing.rules).toEqual(doc.routing.rules);
    expect(out.mappings).toEqual(doc.mappings);
    expect(doc.routing.reps[0]!.weight).toBe(1); // the input is not changed
  });

  it('keeps a value that is not a number as typed, so validation names it at its path', () => {
    const out = applyRoutingForm(doc, { 'reps[0].weight': 'lots' }) as typeof doc;
    expect(out.routing.reps[0]!.weight).toBe('lots');
  });

  it('adds a rep, reorders rules by position and points a rule at another pool', () => {
    const out = applyRoutingForm(doc, {
      'newRep.id': 'cy',
      'newRep.name': 'Cy',
      'rules[0].position': '2',
      'rules[1].position': '1',
      'rules[1].pool': 'partners',
    }) as typeof doc;
    expect(out.routing.reps[2]).toEqual({ id: 'cy', name: 'Cy', crmIds: {} });
    expect(out.routing.rules.map((r) => [r.id, r.action.pool])).toEqual([
      ['everyone', 'partners'],
      ['de', 'inbound'],
    ]);
  });
});
