import { describe, expect, it } from 'vitest';
import { decide, type Condition } from '../../../src/routing/index.js';
import { aConfig, aLead, aRep, at, noHistory, type LeadOverrides } from '../../builders/index.js';

const now = at('2026-11-25T10:00Z');
const reps = [aRep({ id: 'yes' }), aRep({ id: 'no' })];

/** Routes to rep "yes" when the condition holds, else the default sends it to "no". */
function owner(when: Condition, lead: LeadOverrides): string | undefined {
  const config = aConfig({ reps, rules: [{ id: 'r', when, action: { rep: 'yes' } }], default: { rep: 'no' } });
  const d = decide(aLead(lead), config, noHistory(), now);
  return d.kind === 'assigned' ? d.ownerId : undefined;
}

type Case = [name: string, when: Condition, lead: LeadOverrides, expected: 'yes' | 'no'];

const cases: Case[] = [
  ['eq ignores case', { field: 'country', op: 'eq', value: 'de' }, { country: 'DE' }, 'yes'],
  ['eq caseSensitive', { field: 'industry', op: 'eq', value: 'saas', caseSensitive: true }, { industry: 'SaaS' }, 'no'],
  ['eq number against numeric string', { field: 'custom.tier', op: 'eq', value: 2 }, { custom: { tier: '2' } }, 'yes'],
  ['eq boolean', { field: 'freeEmail', op: 'eq', value: true }, { freeEmail: true }, 'yes'],
  [
    'eq on list: any element',
    { field: 'productInterest', op: 'eq', value: 'CRM' },
    { productInterest: ['billing', 'crm'] },
    'yes',
  ],
  ['eq missing', { field: 'country', op: 'eq', value: 'DE' }, {}, 'no'],
  ['neq other', { field: 'country', op: 'neq', value: 'DE' }, { country: 'FR' }, 'yes'],
  ['neq same', { field: 'country', op: 'neq', value: 'DE' }, { country: 'DE' }, 'no'],
  ['neq missing is not DE', { field: 'country', op: 'neq', value: 'DE' }, {}, 'yes'],
  ['in', { field: 'country', op: 'in', value: ['DE', 'AT', 'CH'] }, { country: 'AT' }, 'yes'],
  ['in miss', { field: 'country', op: 'in', value: ['DE', 'AT'] }, { country: 'FR' }, 'no'],
  ['in numbers', { field: 'employeeCount', op: 'in', value: [10, 20] }, { employeeCount: 20 }, 'yes'],
  ['not_in', { field: 'country', op: 'not_in', value: ['US', 'CA'] }, { country: 'DE' }, 'yes'],
  ['not_in hit', { field: 'country', op: 'not_in', value: ['US', 'CA'] }, { country: 'US' }, 'no'],
  [
    'not_in list field',
    { field: 'productInterest', op: 'not_in', value: ['crm'] },
    { productInterest: ['billing', 'CRM'] },
    'no',
  ],
  ['contains substring', { field: 'company', op: 'contains', value: 'bank' }, { company: 'Deutsche Bank AG' }, 'yes'],
  [
    'contains on list is membership',
    { field: 'productInterest', op: 'contains', value: 'crm' },
    { productInterest: ['CRM'] },
    'yes',
  ],
  [
    'contains on list, no partial',
    { field: 'productInterest', op: 'contains', value: 'cr' },
    { productInterest: ['crm'] },
    'no',
  ],
  ['starts_with', { field: 'email', op: 'starts_with', value: 'CEO@' }, { email: 'ceo@acme.com' }, 'yes'],
  ['ends_with', { field: 'emailDomain', op: 'ends_with', value: '.de' }, { emailDomain: 'acme.de' }, 'yes'],
  ['ends_with miss', { field: 'emailDomain', op: 'ends_with', value: '.de' }, { emailDomain: 'acme.com' }, 'no'],
  [
    'matches, case-insensitive',
    { field: 'email', op: 'matches', value: '^(ceo|cfo)@' },
    { email: 'CFO@acme.com' },
    'yes',
  ],
  ['matches miss', { field: 'email', op: 'matches', value: '^(ceo|cfo)@' }, { email: 'cto@acme.com' }, 'no'],
  ['exists', { field: 'phone', op: 'exists' }, { phone: '+49 30 1234' }, 'yes'],
  ['exists missing', { field: 'phone', op: 'exists' }, {}, 'no'],
  ['exists empty list', { field: 'productInterest', op: 'exists' }, { productInterest: [] }, 'no'],
  ['empty missing', { field: 'custom.partner', op: 'empty' }, {}, 'yes'],
  ['empty blank custom', { field: 'custom.partner', op: 'empty' }, { custom: { partner: '  ' } }, 'yes'],
  ['empty set', { field: 'custom.partner', op: 'empty' }, { custom: { partner: 'x' } }, 'no'],
  ['gt', { field: 'employeeCount', op: 'gt', value: 1000 }, { employeeCount: 1001 }, 'yes'],
  ['gt equal', { field: 'employeeCount', op: 'gt', value: 1000 }, { employeeCount: 1000 }, 'no'],
  ['gte equal', { field: 'employeeCount', op: 'gte', value: 1000 }, { employeeCount: 1000 }, 'yes'],
  ['lt', { field: 'score', op: 'lt', value: 50 }, { score: 49.5 }, 'yes'],
  ['lte', { field: 'score', op: 'lte', value: 50 }, { score: 50 }, 'yes'],
  [
    'numbers compare as numbers, not text',
    { field: 'custom.seats', op: 'gt', value: 9 },
    { custom: { seats: '10' } },
    'yes',
  ],
  ['missing never satisfies gt', { field: 'score', op: 'gt', value: -1 }, {}, 'no'],
  ['missing never satisfies lt', { field: 'score', op: 'lt', value: 100 }, {}, 'no'],
  [
    'non-numeric never satisfies lte',
    { field: 'custom.seats', op: 'lte', value: 100 },
    { custom: { seats: 'lots' } },
    'no',
  ],
  ['boolean never satisfies gte', { field: 'custom.flag', op: 'gte', value: 0 }, { custom: { flag: true } }, 'no'],
  [
    'between inclusive low',
    { field: 'annualRevenue', op: 'between', value: [1e6, 5e6] },
    { annualRevenue: 1e6 },
    'yes',
  ],
  [
    'between inclusive high',
    { field: 'annualRevenue', op: 'between', value: [1e6, 5e6] },
    { annualRevenue: 5e6 },
    'yes',
  ],
  ['between outside', { field: 'annualRevenue', op: 'between', value: [1e6, 5e6] }, { annualRevenue: 5e6 + 1 }, 'no'],
  ['between missing', { field: 'annualRevenue', op: 'between', value: [0, 5e6] }, {}, 'no'],
  ['source.crm', { field: 'source.crm', op: 'eq', value: 'salesforce' }, { crm: 'salesforce' }, 'yes'],
  [
    'all: both',
    {
      all: [
        { field: 'country', op: 'eq', value: 'DE' },
        { field: 'score', op: 'gte', value: 80 },
      ],
    },
    { country: 'DE', score: 90 },
    'yes',
  ],
  [
    'all: one fails',
    {
      all: [
        { field: 'country', op: 'eq', value: 'DE' },
        { field: 'score', op: 'gte', value: 80 },
      ],
    },
    { country: 'DE', score: 10 },
    'no',
  ],
  [
    'any',
    {
      any: [
        { field: 'country', op: 'eq', value: 'DE' },
        { field: 'country', op: 'eq', value: 'AT' },
      ],
    },
    { country: 'AT' },
    'yes',
  ],
  ['not', { not: { field: 'freeEmail', op: 'eq', value: true } }, { freeEmail: false }, 'yes'],
  [
    'nested',
    {
      all: [
        {
          any: [
            { field: 'industry', op: 'eq', value: 'bank' },
            { field: 'industry', op: 'eq', value: 'insurance' },
          ],
        },
        { not: { field: 'country', op: 'eq', value: 'US' } },
      ],
    },
    { industry: 'Insurance', country: 'GB' },
    'yes',
  ],
];

describe('condition operators', () => {
  it.each(cases)('%s', (_name, when, lead, expected) => {
    expect(owner(when, lead)).toBe(expected);
  });
});

describe('rule trace', () => {
  it('records every rule tested with the value it saw, up to the match', () => {
    const config = aConfig({
      reps,
      rules: [
        { id: 'us', when: { field: 'country', op: 'eq', value: 'US' }, action: { rep: 'no' } },
        { id: 'off', enabled: false, when: { match: 'always' }, action: { rep: 'no' } },
        {
          id: 'big',
          when: {
            all: [
              { field: 'employeeCount', op: 'gte', value: 500 },
              { field: 'score', op: 'gt', value: 10 },
            ],
          },
          action: { rep: 'yes' },
        },
        { id: 'rest', when: { match: 'always' }, action: { rep: 'no' } },
      ],
    });
    const d = decide(aLead({ country: 'DE', employeeCount: 800, score: 42 }), config, noHistory(), now);
    expect(d).toMatchObject({ kind: 'assigned', ownerId: 'yes', ruleId: 'big' });
    expect(d.trace.rules).toEqual([
      {
        ruleId: 'us',
        matched: false,
        checks: [{ field: 'country', op: 'eq', expected: 'US', saw: 'DE', result: false }],
      },
      { ruleId: 'off', matched: false, checks: [], disabled: true },
      {
        ruleId: 'big',
        matched: true,
        checks: [
          { field: 'employeeCount', op: 'gte', expected: 500, saw: 800, result: true },
          { field: 'score', op: 'gt', expected: 10, saw: 42, result: true },
        ],
      },
    ]);
  });

  it('says NO_RULE_MATCHED when nothing matches and there is no default', () => {
    const config = aConfig({
      reps,
      rules: [{ id: 'us', when: { field: 'country', op: 'eq', value: 'US' }, action: { rep: 'yes' } }],
    });
    const d = decide(aLead({ country: 'DE' }), config, noHistory(), now);
    expect(d).toMatchObject({ kind: 'unassigned', code: 'NO_RULE_MATCHED' });
    expect(d.reasons).toEqual([{ code: 'NO_RULE_MATCHED' }]);
  });
});
