import { describe, expect, it } from 'vitest';
import { diffConfig, formatChange } from '../../../src/config/diff.js';

const doc = () => ({
  mappings: {
    'api/lead': {
      fields: [
        { from: 'email', to: 'email' },
        { from: 'company', to: 'company' },
      ],
      ignore: [],
    },
  },
  routing: {
    reps: [
      { id: 'ana', weight: 1, skills: ['smb'] },
      { id: 'bo', weight: 1, skills: [] },
    ],
    pools: [{ id: 'inbound', strategy: 'round_robin', members: ['ana', 'bo'] }],
    rules: [
      { id: 'dach', when: { field: 'country', op: 'in', value: ['DE'] }, action: { pool: 'inbound' } },
      { id: 'us', when: { field: 'country', op: 'eq', value: 'US' }, action: { pool: 'inbound' } },
      { id: 'rest', when: { match: 'always' }, action: { pool: 'inbound' } },
    ],
  },
});

describe('diffConfig', () => {
  it('finds nothing between equal documents, whatever the key order', () => {
    const a = doc();
    const b = JSON.parse(JSON.stringify({ routing: a.routing, mappings: a.mappings }));
    expect(diffConfig(a, b)).toEqual([]);
  });

  it('names a changed value by the id of the item that holds it, not its position', () => {
    const b = doc();
    b.routing.reps[1]!.weight = 3;
    expect(diffConfig(doc(), b)).toEqual([{ op: 'change', path: 'routing.reps[id=bo].weight', before: 1, after: 3 }]);
  });

  it('reports an inserted rule once as added, without the rules below it as changed', () => {
    const b = doc();
    const vip = { id: 'vip', when: { field: 'score', op: 'gte', value: 90 }, action: { pool: 'inbound' } };
    b.routing.rules.unshift(vip as never);
    expect(diffConfig(doc(), b)).toEqual([{ op: 'add', path: 'routing.rules[id=vip]', after: vip }]);
  });

  it('reports a removed rep, a removed key and an added key', () => {
    const b = doc() as ReturnType<typeof doc> & { routing: { default?: unknown } };
    b.routing.reps.pop();
    b.routing.default = { pool: 'inbound' };
    delete (b.mappings['api/lead'] as { ignore?: unknown }).ignore;
    expect(diffConfig(doc(), b)).toEqual([
      { op: 'remove', path: 'mappings["api/lead"].ignore', before: [] },
      { op: 'remove', path: 'routing.reps[id=bo]', before: { id: 'bo', weight: 1, skills: [] } },
      { op: 'add', path: 'routing.default', after: { pool: 'inbound' } },
    ]);
  });

  it('reports a reordered rule as one move (first match wins, so order is a change)', () => {
    const b = doc();
    const [dach, us, rest] = b.routing.rules;
    b.routing.rules = [us!, dach!, rest!];
    const changes = diffConfig(doc(), b);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ op: 'move', from: expect.any(Number), to: expect.any(Number) });
    expect(['routing.rules[id=dach]', 'routing.rules[id=us]']).toContain(changes[0]!.path);
  });

  it('compares field mappings by their canonical target, and lists of values as a whole', () => {
    const b = doc();
    b.mappings['api/lead'].fields[1]!.from = 'companyName';
    b.routing.pools[0]!.members = ['bo', 'ana'];
    b.routing.rules[0]!.when.value = ['DE', 'AT'];
    expect(diffConfig(doc(), b)).toEqual([
      { op: 'change', path: 'mappings["api/lead"].fields[to=company].from', before: 'company', after: 'companyName' },
      { op: 'change', path: 'routing.pools[id=inbound].members', before: ['ana', 'bo'], after: ['bo', 'ana'] },
      { op: 'change', path: 'routing.rules[id=dach].when.value', before: ['DE'], after: ['DE', 'AT'] },
    ]);
  });

  it('diffs against an empty document as one added key per section, and formats each change on one line', () => {
    const changes = diffConfig({}, doc());
    expect(changes.map((c) => c.path)).toEqual(['mappings', 'routing']);
    expect(formatChange({ op: 'change', path: 'routing.reps[id=bo].weight', before: 1, after: 3 })).toBe(
      '~ routing.reps[id=bo].weight: 1 -> 3',
    );
    expect(formatChange({ op: 'move', path: 'routing.rules[id=us]', from: 1, to: 0 })).toBe(
      '> routing.rules[id=us]: moved from position 1 to 0',
    );
  });

  it('compares lists of objects without ids position by position', () => {
    const a = { accounts: [{ domains: ['a.com'] }, { domains: ['b.com'] }] };
    const b = { accounts: [{ domains: ['a.com'] }, { domains: ['c.com'] }, { domains: ['d.com'] }] };
    expect(diffConfig(a, b)).toEqual([
      { op: 'change', path: 'accounts[1].domains', before: ['b.com'], after: ['c.com'] },
      { op: 'add', path: 'accounts[2]', after: { domains: ['d.com'] } },
    ]);
  });
});
