import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadSchema } from '../../../src/lead/index.js';
import { applyMapping, type SourceRecord } from '../../../src/mapping/index.js';
import { aMapping, fixtureNames, loadMapping } from './helpers.js';

// compileMapping builds leads without a zod parse; this is what keeps it honest: whatever a
// CRM sends, the lead satisfies leadSchema and parsing it changes nothing.
const plausible = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'Germany',
    'DE',
    'usa',
    'California',
    'ana@acme.com',
    ' Bo@Gmail.com ',
    'https://www.acme.com/x',
    '1,200',
    '50-100',
    '1000+',
    '-3',
    '2024-02-30',
    '2024-05-01T09:30:00Z',
    '1714555800000',
    'yes',
    'NEW',
    'Hot',
    'a;b',
    'xn--mnchen-3ya.de',
    'münchen.de',
    'Côte d’Ivoire',
  ),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);

function recordArb(fieldNames: string[]): fc.Arbitrary<SourceRecord> {
  return fc.record({
    ref: fc.record({
      crm: fc.constantFrom('hubspot', 'salesforce', 'api') as fc.Arbitrary<'hubspot'>,
      objectType: fc.constantFrom('contact', 'Lead'),
      id: fc.string({ minLength: 1 }),
    }),
    fields: fc.dictionary(fc.constantFrom(...fieldNames, 'extra_field'), plausible, { maxKeys: fieldNames.length + 1 }),
  });
}

describe('leadSchema holds for every mapped lead', () => {
  it.each(fixtureNames)('%s mapping over arbitrary values', (name) => {
    const mapping = loadMapping(name);
    const fields = mapping.fields
      .flatMap((f) => [f.from, ...(f.firstOf ?? []), ...(f.concat?.fields ?? [])])
      .filter((x): x is string => !!x);
    fc.assert(
      fc.property(recordArb(fields), (record) => {
        const { lead } = applyMapping(record, mapping);
        const parsed = leadSchema.safeParse(lead);
        expect(parsed.error).toBeUndefined();
        expect(parsed.data).toEqual(lead);
      }),
      { numRuns: 400 },
    );
  });

  it('every canonical field, mapped without transforms, over arbitrary values', () => {
    const targets = Object.keys(leadSchema.shape).filter((k) => !['source', 'custom', 'freeEmail'].includes(k));
    const mapping = aMapping({ fields: [...targets.map((to) => ({ from: to, to })), { from: 'c', to: 'custom.c' }] });
    fc.assert(
      fc.property(recordArb([...targets, 'c']), (record) => {
        const { lead } = applyMapping(record, mapping);
        const parsed = leadSchema.safeParse(lead);
        expect(parsed.error).toBeUndefined();
        expect(parsed.data).toEqual(lead);
      }),
      { numRuns: 1000 },
    );
  });
});

// Found by the property above (seed 396042651): `country` maps a list element by element, so a
// list must still meet the target's own check instead of landing in lead.country as an array.
it('refuses a list where one country is expected, and says so', () => {
  const { lead, warnings } = applyMapping(
    { ref: { crm: 'api', objectType: 'lead', id: 'x' }, fields: { email: 'a@acme.com', country: ['AD'] } },
    loadMapping('api-lead'),
  );
  expect(lead.country).toBeUndefined();
  expect(warnings).toContainEqual(expect.objectContaining({ code: 'TRANSFORM_FAILED', field: 'country' }));
});
