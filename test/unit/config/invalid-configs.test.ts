// Every way a config can be wrong, each with the exact path an admin is sent to fix.
import { describe, expect, it } from 'vitest';
import { parseConfigDocument } from '../../../src/config/index.js';
import { validateConfig } from '../../../src/pipeline/config-admin.js';

type Doc = {
  mappings: Record<string, { fields: Array<Record<string, unknown>>; ignore?: string[] }>;
  routing: Record<string, unknown[] | unknown> & {
    reps: Array<Record<string, unknown>>;
    pools: Array<Record<string, unknown>>;
    rules: Array<Record<string, unknown>>;
  };
};

// A small valid document each case breaks in one place.
const valid = (): Doc => ({
  mappings: {
    'api/lead': {
      fields: [
        { from: 'email', to: 'email' },
        { from: 'country', to: 'country', transforms: ['country'] },
      ],
    },
    'hubspot/contact': {
      fields: [
        { from: 'email', to: 'email' },
        { from: 'company', to: 'company' },
      ],
    },
  },
  routing: {
    reps: [
      { id: 'ana', crmIds: { hubspot: '101' } },
      { id: 'bo', crmIds: { hubspot: '102' } },
    ],
    pools: [{ id: 'inbound', strategy: 'round_robin', members: ['ana', 'bo'] }],
    rules: [
      { id: 'dach', when: { field: 'country', op: 'in', value: ['DE', 'AT'] }, action: { pool: 'inbound' } },
      { id: 'rest', when: { match: 'always' }, action: { pool: 'inbound' } },
    ],
  },
});

const cases: Array<{
  name: string;
  change: (d: Doc) => void;
  errors: Array<{ path: string; message: string | RegExp }>;
}> = [
  {
    name: 'an unknown top-level key',
    change: (d) => Object.assign(d, { extra: 1 }),
    errors: [{ path: 'extra', message: 'unknown key "extra"' }],
  },
  {
    name: 'a wrong type in a rep',
    change: (d) => (d.routing.reps[0]!.weight = 'heavy'),
    errors: [{ path: 'routing.reps[id=ana].weight', message: /expected number/ }],
  },
  {
    name: 'no reps at all',
    change: (d) => (d.routing.reps = []),
    errors: [
      { path: 'routing.reps', message: /expected array to have >=1 items/ },
      // Schema and references in one pass: the pool still names reps the document no longer has.
      { path: 'routing.pools[id=inbound].members[0]', message: 'rep "ana" does not exist' },
      { path: 'routing.pools[id=inbound].members[1]', message: 'rep "bo" does not exist' },
    ],
  },
  {
    name: 'an unknown strategy',
    change: (d) => (d.routing.pools[0]!.strategy = 'random'),
    errors: [{ path: 'routing.pools[id=inbound].strategy', message: /Invalid option/ }],
  },
  {
    name: 'a mapping key that names no CRM',
    change: (d) => (d.mappings['zoho/lead'] = { fields: [{ from: 'x', to: 'email' }] }),
    errors: [{ path: 'mappings["zoho/lead"]', message: 'Invalid key in record' }],
  },
  {
    name: 'a CRM field that is not a string',
    change: (d) => (d.mappings['hubspot/contact']!.fields[1]!.from = 3),
    errors: [{ path: 'mappings["hubspot/contact"].fields[to=company].from', message: /expected string/ }],
  },
  {
    name: 'a rule naming a pool that does not exist',
    change: (d) => (d.routing.rules[0]!.action = { pool: 'emea' }),
    errors: [{ path: 'routing.rules[id=dach].action.pool', message: 'pool "emea" does not exist' }],
  },
  {
    name: 'a rule naming a rep that does not exist',
    change: (d) => (d.routing.rules[0]!.action = { rep: 'cy' }),
    errors: [{ path: 'routing.rules[id=dach].action.rep', message: 'rep "cy" does not exist' }],
  },
  {
    name: 'a pool member that does not exist',
    change: (d) => (d.routing.pools[0]!.members = ['ana', 'zed']),
    errors: [{ path: 'routing.pools[id=inbound].members[1]', message: 'rep "zed" does not exist' }],
  },
  {
    name: 'two reps with the same HubSpot owner id',
    change: (d) => (d.routing.reps[1]!.crmIds = { hubspot: '101' }),
    errors: [
      { path: 'routing.reps[id=bo].crmIds.hubspot', message: 'duplicate hubspot owner id "101" (first at index 0)' },
    ],
  },
  {
    name: 'two reps with the same id',
    change: (d) => (d.routing.reps[1]!.id = 'ana'),
    errors: [
      { path: 'routing.reps[1].id', message: 'duplicate rep id "ana" (first at index 0)' },
      // "bo" is gone now, so the pool that named it points at nothing.
      { path: 'routing.pools[id=inbound].members[1]', message: 'rep "bo" does not exist' },
    ],
  },
  {
    name: 'a rule after a catch-all',
    change: (d) =>
      d.routing.rules.push({
        id: 'late',
        when: { field: 'country', op: 'eq', value: 'US' },
        action: { pool: 'inbound' },
      }),
    errors: [
      {
        path: 'routing.rules[id=late]',
        message: 'rule "late" can never fire: rule "rest" before it matches every lead',
      },
    ],
  },
  {
    name: 'a regex that does not compile in a rule',
    change: (d) => (d.routing.rules[0]!.when = { field: 'email', op: 'matches', value: '^(test' }),
    errors: [{ path: 'routing.rules[id=dach].when.value', message: /^regular expression does not compile/ }],
  },
  {
    name: 'a regex that does not compile in a mapping transform',
    change: (d) => (d.mappings['api/lead']!.fields[1]!.transforms = [{ op: 'regex', pattern: '([A-Z' }]),
    errors: [{ path: 'mappings["api/lead"].fields[to=country].transforms[0].pattern', message: /^does not compile/ }],
  },
  {
    name: 'a mapping target that is not a canonical field',
    change: (d) => (d.mappings['api/lead']!.fields[1]!.to = 'nation'),
    errors: [{ path: 'mappings["api/lead"].fields[to=nation].to', message: /^"nation" is not a canonical field/ }],
  },
  {
    name: 'two mappings of one canonical field',
    change: (d) => (d.mappings['api/lead']!.fields[1]!.to = 'email'),
    errors: [{ path: 'mappings["api/lead"].fields[1].to', message: /already mapped by fields\[0\]/ }],
  },
  // All errors in one pass: a schema error in one rep does not hide a broken reference elsewhere,
  // and the rep that failed the schema still counts as defined (no false "rep does not exist").
  {
    name: 'a schema error and a reference error together',
    change: (d) => {
      d.routing.reps[0]!.weight = 'heavy';
      d.routing.rules[0]!.action = { pool: 'inbund' };
    },
    errors: [
      { path: 'routing.reps[id=ana].weight', message: /expected number/ },
      { path: 'routing.rules[id=dach].action.pool', message: 'pool "inbund" does not exist; did you mean "inbound"?' },
    ],
  },
  {
    name: 'a broken rule next to a rule naming a missing rep',
    change: (d) => {
      d.routing.rules[0]!.when = { field: 'country', op: 'like', value: 'DE' };
      d.routing.rules[1]!.action = { rep: 'anna' };
    },
    errors: [
      { path: 'routing.rules[id=dach].when.op', message: /^op must be one of eq, .*; did you mean "contains"\?$/ },
      { path: 'routing.rules[id=rest].action.rep', message: 'rep "anna" does not exist; did you mean "ana"?' },
    ],
  },
  {
    name: 'a schema error in one mapped field next to a bad target in another',
    change: (d) => {
      d.mappings['api/lead']!.fields[0]!.from = 3;
      d.mappings['api/lead']!.fields[1]!.to = 'countyr';
    },
    errors: [
      { path: 'mappings["api/lead"].fields[to=email].from', message: /expected string/ },
      {
        path: 'mappings["api/lead"].fields[to=countyr].to',
        message: /^"countyr" is not a canonical field .*; did you mean "country"\?$/,
      },
    ],
  },
  {
    name: 'an unknown key inside an action',
    change: (d) => (d.routing.rules[0]!.action = { rep: 'ana', fallbak: { pool: 'inbound' } }),
    errors: [
      { path: 'routing.rules[id=dach].action.fallbak', message: 'unknown key "fallbak"; did you mean "fallback"?' },
    ],
  },
  {
    name: 'a misspelled key in a rep',
    change: (d) => (d.routing.reps[0]!.weigth = 2),
    errors: [{ path: 'routing.reps[id=ana].weigth', message: 'unknown key "weigth"; did you mean "weight"?' }],
  },
  {
    name: 'an operator spelled as in SQL',
    change: (d) => (d.routing.rules[0]!.when = { field: 'country', op: '!=', value: 'DE' }),
    errors: [{ path: 'routing.rules[id=dach].when.op', message: /; did you mean "neq"\?$/ }],
  },
  {
    name: 'a misspelled rule field',
    change: (d) => (d.routing.rules[0]!.when = { field: 'contry', op: 'eq', value: 'DE' }),
    errors: [
      {
        path: 'routing.rules[id=dach].when.field',
        message:
          'unknown field "contry": use a canonical lead field, source.crm, custom.<name> or account.<name>; did you mean "country"?',
      },
    ],
  },
  {
    name: 'a misspelled time zone',
    change: (d) => (d.routing.reps[1]!.timeZone = 'Europe/Berln'),
    errors: [
      {
        path: 'routing.reps[id=bo].timeZone',
        message: '"Europe/Berln" is not an IANA time zone; did you mean "Europe/Berlin"?',
      },
    ],
  },
  {
    name: 'a misspelled mapping target',
    change: (d) => (d.mappings['api/lead']!.fields[1]!.to = 'countyr'),
    errors: [
      {
        path: 'mappings["api/lead"].fields[to=countyr].to',
        message: /^"countyr" is not a canonical field .*; did you mean "country"\?$/,
      },
    ],
  },
  {
    name: 'a country that is not an ISO code',
    change: (d) => (d.routing.rules[0]!.when = { field: 'country', op: 'in', value: ['DE', 'UK'] }),
    errors: [
      {
        path: 'routing.rules[id=dach].when.value[1]',
        message: '"UK" is not an ISO 3166 country code; did you mean GB?',
      },
    ],
  },
  {
    name: 'a country name where a code belongs',
    change: (d) => (d.routing.rules[0]!.when = { field: 'country', op: 'eq', value: 'Germany' }),
    errors: [
      {
        path: 'routing.rules[id=dach].when.value',
        message: '"Germany" is not an ISO 3166 country code; did you mean DE?',
      },
    ],
  },
  {
    name: 'an email domain that is not a domain',
    change: (d) => (d.routing.rules[0]!.when = { field: 'emailDomain', op: 'eq', value: '@acme.com' }),
    errors: [
      {
        path: 'routing.rules[id=dach].when.value',
        message: '"@acme.com" is not a domain (emailDomain holds e.g. "acme.com"); did you mean "acme.com"?',
      },
    ],
  },
  {
    name: 'a number field compared with a string',
    change: (d) => (d.routing.rules[0]!.when = { field: 'employeeCount', op: 'eq', value: '500+' }),
    errors: [
      {
        path: 'routing.rules[id=dach].when.value',
        message: 'employeeCount is a number; compare it with a number ("500+" is string)',
      },
    ],
  },
  {
    name: 'gt on a text field',
    change: (d) => (d.routing.rules[0]!.when = { field: 'industry', op: 'gt', value: 3 }),
    errors: [
      {
        path: 'routing.rules[id=dach].when.op',
        message: 'gt compares numbers, and industry is not a number field (employeeCount, annualRevenue, score are)',
      },
    ],
  },
  {
    name: 'two rules with one id (named by index, the id cannot tell them apart)',
    change: (d) => (d.routing.rules[1]!.id = 'dach'),
    errors: [{ path: 'routing.rules[1].id', message: 'duplicate rule id "dach" (also rules[0])' }],
  },
];

describe('invalid config documents', () => {
  it('the base document of the table is valid', () => {
    expect(parseConfigDocument(valid())).toMatchObject({ ok: true });
  });

  it.each(cases)('refuses $name, naming the path', async ({ change, errors }) => {
    const doc = valid();
    change(doc);
    // validateConfig is what publish runs; no connectors here, so no CRM schema check.
    const result = await validateConfig({ connectors: {} }, doc);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      errors.map((e) => ({
        path: e.path,
        message: typeof e.message === 'string' ? e.message : expect.stringMatching(e.message),
      })),
    );
  });
});
