import { describe, expect, it } from 'vitest';
import { applyMapping, compileMapping } from '../../../src/mapping/index.js';
import { aMapping, aRecord } from './helpers.js';

describe('applyMapping: warnings name the field', () => {
  const mapping = aMapping({
    fields: [
      { from: 'email', to: 'email', required: true },
      { from: 'company', to: 'company', required: true },
      { from: 'country', to: 'country', transforms: ['country'] },
    ],
    ignore: ['hs_object_id'],
  });

  it('reports every field the record carries that no mapping uses, with its value', () => {
    const { lead, warnings } = applyMapping(
      aRecord({ email: 'a@acme.com', company: 'Acme', hs_object_id: '1', favorite_color: 'teal', fax: null }),
      mapping,
    );
    expect(warnings).toEqual([
      {
        code: 'FIELD_UNMAPPED',
        field: 'favorite_color',
        raw: 'teal',
        message: 'favorite_color is not used by the mapping (map it, or list it under ignore)',
      },
      {
        code: 'FIELD_UNMAPPED',
        field: 'fax',
        raw: null,
        message: 'fax is not used by the mapping (map it, or list it under ignore)',
      },
    ]);
    expect(lead).not.toHaveProperty('favorite_color');
  });

  it('reports a required canonical field the lead lacks, and the CRM fields it came from', () => {
    const { warnings } = applyMapping(aRecord({ email: 'a@acme.com', company: '  ' }), mapping);
    expect(warnings).toEqual([
      {
        code: 'REQUIRED_MISSING',
        field: 'company',
        from: ['company'],
        message: 'company is required but company gave no usable value',
      },
    ]);
  });

  it('reports a failed transform with the CRM field, the target and the raw value, and keeps the lead', () => {
    const { lead, warnings } = applyMapping(
      aRecord({ email: 'a@acme.com', company: 'Acme', country: 'Atlantis' }),
      mapping,
    );
    expect(warnings).toEqual([
      {
        code: 'TRANSFORM_FAILED',
        field: 'country',
        target: 'country',
        transform: 'country',
        raw: 'Atlantis',
        message: 'country -> country: "Atlantis" is not a country name or ISO code',
      },
    ]);
    expect(lead).toEqual({
      source: { crm: 'hubspot', objectType: 'contact', id: 'r1' },
      custom: {},
      email: 'a@acme.com',
      company: 'Acme',
      emailDomain: 'acme.com',
      freeEmail: false,
    });
  });

  it('a required field whose value failed gets both warnings', () => {
    const { warnings } = applyMapping(aRecord({ email: 'nope', company: 'Acme' }), mapping);
    expect(warnings.map((w) => [w.code, w.field])).toEqual([
      ['TRANSFORM_FAILED', 'email'],
      ['REQUIRED_MISSING', 'email'],
    ]);
    expect(warnings[0]).toMatchObject({ transform: 'to email', raw: 'nope' });
  });
});

describe('applyMapping: free email', () => {
  const mapping = aMapping({ fields: [{ from: 'email', to: 'email' }] });

  it.each([
    ['bo@gmail.com', true],
    ['bo@GoogleMail.com', true],
    ['gus@yahoo.co.uk', true],
    ['eva@web.de', true],
    ['ana@acme-robotics.de', false],
  ])('%s -> freeEmail %s, with the domain filled in from the email', (email, free) => {
    const { lead } = applyMapping(aRecord({ email }), mapping);
    expect(lead.freeEmail).toBe(free);
    expect(lead.emailDomain).toBe(email.split('@')[1]!.toLowerCase());
  });

  it('leaves freeEmail out when there is no email', () => {
    const { lead } = applyMapping(aRecord({}), mapping);
    expect(lead).not.toHaveProperty('freeEmail');
    expect(lead).not.toHaveProperty('emailDomain');
  });

  it('flags from a mapped emailDomain too', () => {
    const m = aMapping({ fields: [{ from: 'mail_domain', to: 'emailDomain' }] });
    expect(applyMapping(aRecord({ mail_domain: 'Outlook.com' }), m).lead).toMatchObject({
      emailDomain: 'outlook.com',
      freeEmail: true,
    });
  });
});

describe('applyMapping: sources and defaults', () => {
  it('firstOf takes the first non-empty field, and a failure names that field', () => {
    const m = aMapping({ fields: [{ to: 'employeeCount', firstOf: ['a', 'b', 'c'], transforms: ['number'] }] });
    expect(applyMapping(aRecord({ a: '', b: null, c: '12' }), m).lead.employeeCount).toBe(12);
    expect(applyMapping(aRecord({ a: '5', c: '12' }), m).lead.employeeCount).toBe(5);
    expect(applyMapping(aRecord({ a: ' ', b: 'lots' }), m).warnings).toMatchObject([
      { code: 'TRANSFORM_FAILED', field: 'b', raw: 'lots' },
    ]);
  });

  it('concat joins the non-empty fields with the separator', () => {
    const m = aMapping({
      fields: [{ to: 'custom.fullName', concat: { fields: ['first', 'middle', 'last'], separator: ' ' } }],
    });
    expect(applyMapping(aRecord({ first: ' Ana ', middle: '', last: 'Keller' }), m).lead.custom).toEqual({
      fullName: 'Ana Keller',
    });
    expect(applyMapping(aRecord({ first: 'Ana', middle: 'M', last: 'Keller' }), m).lead.custom).toEqual({
      fullName: 'Ana M Keller',
    });
    expect(applyMapping(aRecord({}), m).lead.custom).toEqual({});
  });

  it('concat refuses a part that is not text rather than writing "[object Object]"', () => {
    const m = aMapping({ fields: [{ to: 'custom.fullName', concat: { fields: ['first', 'last'] } }] });
    const { lead, warnings } = applyMapping(aRecord({ first: 'Ana', last: { value: 'Keller' } }), m);
    expect(lead.custom).toEqual({});
    expect(warnings).toEqual([
      {
        code: 'TRANSFORM_FAILED',
        field: 'first+last',
        target: 'custom.fullName',
        transform: 'concat',
        raw: ['Ana', { value: 'Keller' }],
        message: 'first+last -> custom.fullName: last is {"value":"Keller"}, not text to join',
      },
    ]);
  });

  it('a default fills an empty source and runs through the transforms', () => {
    const m = aMapping({ fields: [{ from: 'c', to: 'country', default: 'Germany', transforms: ['country'] }] });
    expect(applyMapping(aRecord({ c: '' }), m).lead.country).toBe('DE');
    expect(applyMapping(aRecord({ c: 'France' }), m).lead.country).toBe('FR');
  });

  it('a constant field needs no source at all', () => {
    const m = aMapping({ fields: [{ to: 'leadSource', default: 'Trade show' }] });
    expect(applyMapping(aRecord({}), m)).toMatchObject({ lead: { leadSource: 'Trade show' }, warnings: [] });
  });

  it('a failed transform does not fall back to the default', () => {
    const m = aMapping({ fields: [{ from: 'c', to: 'country', default: 'DE', transforms: ['country'] }] });
    expect(applyMapping(aRecord({ c: 'Atlantis' }), m).lead.country).toBeUndefined();
  });
});

describe('applyMapping: canonical types', () => {
  const m = aMapping({
    fields: [
      { from: 'email', to: 'email' },
      { from: 'country', to: 'country' },
      { from: 'employees', to: 'employeeCount' },
      { from: 'web', to: 'websiteDomain' },
      { from: 'products', to: 'productInterest' },
      { from: 'zip', to: 'postalCode' },
      { from: 'lang', to: 'language' },
    ],
  });

  it('normalises without transforms: trimmed, lower-cased email, numbers as numbers, lists split on ";"', () => {
    const { lead, warnings } = applyMapping(
      aRecord({
        email: ' Ana@ACME.com ',
        country: 'de',
        employees: '1,200',
        web: 'WWW.Acme.com',
        products: 'A; B;;',
        zip: 80331,
        lang: 'DE',
      }),
      m,
    );
    expect(warnings).toEqual([]);
    expect(lead).toMatchObject({
      email: 'ana@acme.com',
      country: 'DE',
      employeeCount: 1200,
      websiteDomain: 'acme.com',
      productInterest: ['A', 'B'],
      postalCode: '80331',
      language: 'de',
    });
  });

  it('refuses what the canonical type cannot hold and says which transform would help', () => {
    const { warnings } = applyMapping(aRecord({ country: 'Germany', employees: '-3', web: 'https://acme.com/x' }), m);
    expect(warnings.map((w) => [w.field, w.code, w.message])).toEqual([
      [
        'country',
        'TRANSFORM_FAILED',
        'country -> country: "Germany" is not an ISO 3166-1 alpha-2 code (add the country transform)',
      ],
      ['employees', 'TRANSFORM_FAILED', 'employees -> employeeCount: "-3" is below 0'],
      [
        'web',
        'TRANSFORM_FAILED',
        'web -> websiteDomain: "https://acme.com/x" is not a domain (add the domain transform to take it from a URL or email)',
      ],
    ]);
  });

  it('custom fields keep text, numbers, booleans and text lists, and refuse objects', () => {
    const c = aMapping({ fields: ['a', 'b', 'c', 'd', 'e'].map((k) => ({ from: k, to: `custom.${k}` })) });
    const { lead, warnings } = applyMapping(
      aRecord({ a: ' x ', b: 3, c: false, d: ['p', 'q'], e: { nested: true } }),
      c,
    );
    expect(lead.custom).toEqual({ a: 'x', b: 3, c: false, d: ['p', 'q'] });
    expect(warnings).toMatchObject([
      { code: 'TRANSFORM_FAILED', field: 'e', target: 'custom.e', transform: 'to custom.e' },
    ]);
  });
});

describe('compileMapping', () => {
  it('throws CONFIG_INVALID with every path for a mapping validateMapping rejects', () => {
    const bad = aMapping({
      fields: [
        { from: 'x', to: 'nickname' },
        { from: 'y', to: 'custom.y', transforms: [{ op: 'regex', pattern: '(' }] },
      ],
    });
    expect(() => compileMapping(bad)).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        details: {
          errors: [
            expect.objectContaining({ path: 'fields[0].to' }),
            expect.objectContaining({ path: 'fields[1].transforms[0].pattern' }),
          ],
        },
      }),
    );
  });

  it('copies the record ref, so the lead never aliases connector data', () => {
    const record = aRecord({});
    const { lead } = compileMapping(aMapping({ fields: [{ to: 'leadSource', default: 'x' }] }))(record);
    expect(lead.source).toEqual(record.ref);
    expect(lead.source).not.toBe(record.ref);
  });
});
