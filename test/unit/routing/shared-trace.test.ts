// decide() keeps a rule's miss on its first leaf per value and shares it between leads that saw
// the same value. These pin that the sharing never leaks one lead's working into another's trace.
import { describe, expect, it } from 'vitest';
import { decide, type RuleTrace } from '../../../src/routing/index.js';
import { aConfig, aLead, aRep, at, noHistory } from '../../builders/index.js';

const now = at('2026-11-25T10:00Z');
const config = aConfig({
  reps: [aRep({ id: 'de' }), aRep({ id: 'rest' })],
  rules: [
    { id: 'dach', when: { field: 'country', op: 'in', value: ['DE', 'AT'] }, action: { rep: 'de' } },
    { id: 'by-email', when: { field: 'email', op: 'ends_with', value: '@bigco.com' }, action: { rep: 'de' } },
  ],
  default: { rep: 'rest' },
});

const rulesOf = (lead: Parameters<typeof aLead>[0]): RuleTrace[] =>
  decide(aLead(lead), config, noHistory(), now).trace.rules;

describe('trace sharing between leads', () => {
  it('each lead sees its own value, whatever the leads before it saw', () => {
    const first = rulesOf({ country: 'US', email: 'a@x.com' });
    const second = rulesOf({ country: 'DE', email: 'b@x.com' });
    const third = rulesOf({ country: 'US', email: 'c@x.com' });
    expect(first[0]).toEqual({
      ruleId: 'dach',
      matched: false,
      checks: [expect.objectContaining({ saw: 'US', result: false })],
    });
    expect(second).toEqual([
      { ruleId: 'dach', matched: true, checks: [expect.objectContaining({ saw: 'DE', result: true })] },
    ]);
    expect(third[0]).toEqual(first[0]);
    expect(third[1]!.checks[0]).toMatchObject({ field: 'email', saw: 'c@x.com', result: false });
  });

  it('free-text values past the shared bound are still recorded as seen', () => {
    for (let i = 0; i < 300; i++) {
      const email = `lead${i}@x${i}.com`;
      expect(rulesOf({ country: 'FR', email })[1]!.checks).toEqual([
        { field: 'email', op: 'ends_with', expected: '@bigco.com', saw: email, result: false },
      ]);
    }
  });

  it('a shared entry cannot be changed by one caller for the next', () => {
    const entry = rulesOf({ country: 'US' })[0]!;
    expect(() => entry.checks.push({ field: 'x', op: 'eq', saw: 1, result: true })).toThrow(TypeError);
    expect(() => Object.assign(entry, { matched: true })).toThrow(TypeError);
    expect(rulesOf({ country: 'US' })[0]!.checks).toHaveLength(1);
  });
});

describe('a rule whose first leaf reads a list field', () => {
  it('records the list each lead had', () => {
    const listConfig = aConfig({
      reps: [aRep({ id: 'crm' }), aRep({ id: 'rest' })],
      rules: [{ id: 'crm', when: { field: 'productInterest', op: 'eq', value: 'crm' }, action: { rep: 'crm' } }],
      default: { rep: 'rest' },
    });
    const traceOf = (productInterest: string[]) =>
      decide(aLead({ productInterest }), listConfig, noHistory(), now).trace.rules[0];
    expect(traceOf(['billing'])!.checks[0]!.saw).toEqual(['billing']);
    expect(traceOf(['ads'])!.checks[0]!.saw).toEqual(['ads']);
    expect(traceOf(['ads', 'CRM'])!.matched).toBe(true);
  });
});
