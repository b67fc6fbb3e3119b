import { describe, expect, it } from 'vitest';
import { indexPath, namePath } from '../../../src/config/index.js';

const doc = {
  mappings: {
    'api/lead': {
      fields: [
        { from: 'email', to: 'email' },
        { from: 'Tier', to: 'custom.tier' },
      ],
    },
  },
  routing: {
    reps: [{ id: 'ana' }, { id: 'bo' }, { id: 'bo' }, { name: 'no id' }],
    pools: [{ id: 'sdr', members: ['ana', 'bo'] }],
    rules: [{ id: 'emea', action: { pool: 'sdr' } }],
  },
};

describe('paths that name items by id', () => {
  it('names an item by its id, and mapping fields by their target', () => {
    expect(namePath('routing.rules[0].action.pool', doc)).toBe('routing.rules[id=emea].action.pool');
    expect(namePath('routing.pools[0].members[1]', doc)).toBe('routing.pools[id=sdr].members[1]');
    expect(namePath('mappings["api/lead"].fields[1].from', doc)).toBe(
      'mappings["api/lead"].fields[to=custom.tier].from',
    );
  });

  it('keeps the index where the id cannot tell items apart, or there is none', () => {
    expect(namePath('routing.reps[1].id', doc)).toBe('routing.reps[1].id');
    expect(namePath('routing.reps[3].weight', doc)).toBe('routing.reps[3].weight');
    expect(namePath('routing.reps[0]', doc)).toBe('routing.reps[id=ana]');
    expect(namePath('routing.reps[9]', doc)).toBe('routing.reps[9]');
  });

  it('leads back to the indexes', () => {
    expect(indexPath('routing.rules[id=emea].action.pool', doc)).toEqual(['routing', 'rules', 0, 'action', 'pool']);
    expect(indexPath('routing.rules[id=nope].action', doc)).toBeUndefined();
  });
});
