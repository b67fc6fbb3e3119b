import { describe, expect, it } from 'vitest';
import { mappedCrmFields, validateMapping } from '../../../src/mapping/index.js';
import { aMapping } from './helpers.js';

const issues = (input: Parameters<typeof aMapping>[0]) =>
  validateMapping(aMapping(input), 'mappings["salesforce/Lead"]');

describe('validateMapping', () => {
  it('accepts a sound mapping', () => {
    expect(
      issues({
        fields: [
          { from: 'Email', to: 'email' },
          { from: 'X', to: 'custom.x_1' },
        ],
      }),
    ).toEqual([]);
  });

  it('needs a canonical field or custom.<name> as target', () => {
    expect(
      issues({
        fields: [
          { from: 'a', to: 'nickname' },
          { from: 'b', to: 'custom.' },
          { from: 'c', to: 'custom.a-b' },
        ],
      }).map((i) => i.path),
    ).toEqual([
      'mappings["salesforce/Lead"].fields[0].to',
      'mappings["salesforce/Lead"].fields[1].to',
      'mappings["salesforce/Lead"].fields[2].to',
    ]);
  });

  it('keeps freeEmail derived, never mapped', () => {
    expect(issues({ fields: [{ from: 'a', to: 'freeEmail', transforms: ['boolean'] }] })).toEqual([
      {
        path: 'mappings["salesforce/Lead"].fields[0].to',
        message: 'freeEmail is derived from the email domain; map email or emailDomain instead',
      },
    ]);
  });

  it('refuses two mappings for one target', () => {
    expect(
      issues({
        fields: [
          { from: 'Phone', to: 'phone' },
          { from: 'MobilePhone', to: 'phone' },
        ],
      }),
    ).toEqual([
      {
        path: 'mappings["salesforce/Lead"].fields[1].to',
        message: 'phone is already mapped by fields[0]; use firstOf for fallbacks',
      },
    ]);
  });

  it('compiles every regex and checks its group', () => {
    const found = issues({
      fields: [
        { from: 'a', to: 'custom.a', transforms: [{ op: 'regex', pattern: '([0-9]+' }] },
        { from: 'b', to: 'custom.b', transforms: [{ op: 'regex', pattern: '(\\d+)', group: 2 }] },
        { from: 'c', to: 'custom.c', transforms: [{ op: 'regex', pattern: '(\\d+)', group: 'n' }] },
      ],
    });
    expect(found.map((i) => i.path)).toEqual([
      'mappings["salesforce/Lead"].fields[0].transforms[0].pattern',
      'mappings["salesforce/Lead"].fields[1].transforms[0].group',
      'mappings["salesforce/Lead"].fields[2].transforms[0].group',
    ]);
    expect(found[0]!.message).toMatch(/^does not compile: /);
    expect(found[1]!.message).toBe('the pattern has 1 capture group(s)');
  });

  it('refuses a regex transform that can backtrack catastrophically', () => {
    const found = issues({
      fields: [
        { from: 'a', to: 'custom.a', transforms: [{ op: 'regex', pattern: '^(a+)+$' }] },
        { from: 'b', to: 'custom.b', transforms: [{ op: 'regex', pattern: '^(\\d{3})-\\d+$', group: 1 }] },
      ],
    });
    expect(found).toEqual([
      {
        path: 'mappings["salesforce/Lead"].fields[0].transforms[0].pattern',
        message: expect.stringMatching(/^regular expression may take exponential time/),
      },
    ]);
  });

  it('checks value maps: not empty, no keys that collide once case and spaces are ignored', () => {
    expect(issues({ fields: [{ from: 'a', to: 'custom.a', transforms: [{ op: 'map', values: {} }] }] })).toEqual([
      { path: 'mappings["salesforce/Lead"].fields[0].transforms[0].values', message: 'list at least one value' },
    ]);
    expect(
      issues({
        fields: [{ from: 'a', to: 'custom.a', transforms: [{ op: 'map', values: { Open: 'o', 'open ': 'x' } }] }],
      }),
    ).toEqual([
      {
        path: 'mappings["salesforce/Lead"].fields[0].transforms[0].values["open "]',
        message: 'is the same key as "Open" (keys ignore case and surrounding spaces)',
      },
    ]);
  });

  it('runs each default through its chain now, rather than failing on every record later', () => {
    expect(issues({ fields: [{ from: 'c', to: 'country', default: 'Narnia', transforms: ['country'] }] })).toEqual([
      { path: 'mappings["salesforce/Lead"].fields[0].default', message: '"Narnia" is not a country name or ISO code' },
    ]);
    expect(issues({ fields: [{ to: 'employeeCount', default: 'many' }] })[0]).toMatchObject({
      path: 'mappings["salesforce/Lead"].fields[0].default',
    });
  });

  it('refuses to ignore a field that is mapped', () => {
    expect(issues({ fields: [{ from: 'Email', to: 'email' }], ignore: ['Id', 'Email'] })).toEqual([
      {
        path: 'mappings["salesforce/Lead"].ignore[1]',
        message: '"Email" is mapped by fields[0]; remove it from ignore',
      },
    ]);
  });

  it('paths start at the root without a prefix', () => {
    expect(validateMapping(aMapping({ fields: [{ from: 'a', to: 'nope' }] }))[0]!.path).toBe('fields[0].to');
  });
});

describe('mappedCrmFields', () => {
  it('lists every source field once, in mapping order, without ignored fields or constants', () => {
    const m = aMapping({
      fields: [
        { from: 'email', to: 'email' },
        { from: 'email', to: 'custom.emailCopy' },
        { to: 'phone', firstOf: ['phone', 'mobilephone'] },
        { to: 'custom.name', concat: { fields: ['firstname', 'lastname'] } },
        { to: 'leadSource', default: 'HubSpot' },
      ],
      ignore: ['hs_object_id'],
    });
    expect(mappedCrmFields(m)).toEqual(['email', 'phone', 'mobilephone', 'firstname', 'lastname']);
  });
});
