import { describe, expect, it } from 'vitest';
import { fieldPath } from '../../src/errors.js';

describe('fieldPath: one spelling of a path in every error', () => {
  it.each([
    [['mappings', 'hubspot/contact', 'fields', 1, 'transforms', 0, 'pattern'], '', 'mappings["hubspot/contact"].fields[1].transforms[0].pattern'],
    [['rules', 3, 'action', 'pool'], 'routing', 'routing.rules[3].action.pool'],
    [['lead', 'email'], 'body', 'body.lead.email'],
    [['values', 'open '], 'mappings["api/lead"].fields[0].transforms[0]', 'mappings["api/lead"].fields[0].transforms[0].values["open "]'],
    [[], '', ''],
  ] as const)('%j under "%s" is %s', (parts, prefix, expected) => {
    expect(fieldPath(parts, prefix)).toBe(expected);
  });
});
