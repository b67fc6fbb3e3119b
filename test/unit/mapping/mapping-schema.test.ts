import { describe, expect, it } from 'vitest';
import { mappingSchema, mappingSetSchema, parseMapping } from '../../../src/mapping/index.js';

const paths = (input: unknown) =>
  parseMapping(input, 'mappings["hubspot/contact"]').issues.map((i) => `${i.path}: ${i.message}`);

describe('mappingSchema', () => {
  it('turns a bare transform name into its object form with defaults', () => {
    const m = mappingSchema.parse({ fields: [{ from: 'a', to: 'createdAt', transforms: ['trim', 'date', 'state'] }] });
    expect(m.fields[0]!.transforms).toEqual([
      { op: 'trim' },
      { op: 'date', epoch: 'ms' },
      { op: 'state', strict: false },
    ]);
    expect(m).toMatchObject({ ignore: [], fields: [{ required: false }] });
  });

  it('points at the exact transform and key an admin got wrong', () => {
    expect(paths({ fields: [{ from: 'a', to: 'email', transforms: ['trim', 'lowr'] }] })).toEqual([
      expect.stringMatching(/^mappings\["hubspot\/contact"\]\.fields\[0\]\.transforms\[1\]\.op: /),
    ]);
    expect(paths({ fields: [{ from: 'a', to: 'email', transforms: [{ op: 'regex' }] }] })).toEqual([
      expect.stringMatching(/^mappings\["hubspot\/contact"\]\.fields\[0\]\.transforms\[0\]\.pattern: /),
    ]);
    expect(
      paths({ fields: [{ from: 'a', to: 'email', transforms: [{ op: 'map', values: {}, defualt: 'x' }] }] }),
    ).toEqual(['mappings["hubspot/contact"].fields[0].transforms[0]: Unrecognized key: "defualt"']);
  });

  it('needs exactly one source, or a default', () => {
    expect(paths({ fields: [{ to: 'email' }] })).toEqual([
      'mappings["hubspot/contact"].fields[0].from: name a CRM field with from, firstOf or concat, or give a default',
    ]);
    expect(paths({ fields: [{ to: 'email', from: 'a', firstOf: ['b', 'c'] }] })).toEqual([
      'mappings["hubspot/contact"].fields[0].firstOf: use one of from, firstOf, concat (found from, firstOf)',
    ]);
    expect(paths({ fields: [{ to: 'phone', firstOf: ['b'] }] })).toEqual([
      'mappings["hubspot/contact"].fields[0].firstOf: list at least two fields (or use from)',
    ]);
  });

  it('rejects unknown keys and an empty mapping', () => {
    expect(paths({ fields: [{ from: 'a', to: 'email', requird: true }] })).toEqual([
      'mappings["hubspot/contact"].fields[0]: Unrecognized key: "requird"',
    ]);
    expect(paths({ fields: [] })).toEqual(['mappings["hubspot/contact"].fields: map at least one field']);
  });

  it('keys a mapping set by <crm>/<objectType>', () => {
    const ok = { fields: [{ from: 'a', to: 'email' }] };
    expect(mappingSetSchema.safeParse({ 'hubspot/contact': ok, 'salesforce/Lead': ok, 'api/lead': ok }).success).toBe(
      true,
    );
    const bad = mappingSetSchema.safeParse({ 'pipedrive/person': ok });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['pipedrive/person'] });
  });
});
