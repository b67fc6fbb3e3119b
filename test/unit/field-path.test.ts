import { describe, expect, it } from 'vitest';
import { fieldPath, parsePath } from '../../src/errors.js';

describe('fieldPath: one spelling of a path in every error', () => {
  it.each([
    [
      ['mappings', 'hubspot/contact', 'fields', 1, 'transforms', 0, 'pattern'],
      '',
      'mappings["hubspot/contact"].fields[1].transforms[0].pattern',
    ],
    [['rules', 3, 'action', 'pool'], 'routing', 'routing.rules[3].action.pool'],
    [['rules', { by: 'id', value: 'emea' }, 'action', 'pool'], 'routing', 'routing.rules[id=emea].action.pool'],
    [
      ['mappings', 'api/lead', 'fields', { by: 'to', value: 'custom.tier' }, 'from'],
      '',
      'mappings["api/lead"].fields[to=custom.tier].from',
    ],
    [['lead', 'email'], 'body', 'body.lead.email'],
    [
      ['values', 'open '],
      'mappings["api/lead"].fields[0].transforms[0]',
      'mappings["api/lead"].fields[0].transforms[0].values["open "]',
    ],
    [[], '', ''],
  ] as const)('%j under "%s" is %s', (parts, prefix, expected) => {
    expect(fieldPath(parts, prefix)).toBe(expected);
  });

  it('parsePath reads back what fieldPath spelled', () => {
    for (const parts of [
      ['routing', 'pools', { by: 'id', value: 'sdr-1.a:b' }, 'members', 1],
      ['mappings', 'hubspot/contact', 'fields', 0, 'transforms', 2, 'values', 'say "hi"'],
      ['routing', 'rules', 12],
    ]) {
      expect(parsePath(fieldPath(parts))).toEqual(parts);
    }
    expect(parsePath('(root)')).toEqual([]);
    expect(parsePath('routing.pools[x')).toBeUndefined();
  });
});
