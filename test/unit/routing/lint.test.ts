// Lints: warnings with a path that never block a publish, and the errors the new condition
// shapes can still have. Each case is config in, exact issues out.
import { describe, expect, it } from 'vitest';
import {
  lintRoutingConfig,
  routingConfigSchema,
  validateRoutingConfig,
  type Condition,
  type RoutingConfigInput,
} from '../../../src/routing/index.js';

const reps = [
  { id: 'ana', crmIds: { hubspot: 'h1' } },
  { id: 'bo', crmIds: { hubspot: 'h2' } },
];
const pools = [{ id: 'p', strategy: 'round_robin' as const, members: ['ana', 'bo'] }];
const cfg = (over: Partial<RoutingConfigInput>): RoutingConfigInput => ({
  reps,
  pools,
  rules: [],
  default: { pool: 'p' },
  ...over,
});
const lint = (input: RoutingConfigInput) => lintRoutingConfig(routingConfigSchema.parse(input));
const errorsOf = (input: RoutingConfigInput) => validateRoutingConfig(routingConfigSchema.parse(input));
const rule = (id: string, when: Condition | { match: 'always' }) => ({ id, when, action: { pool: 'p' } });

describe("shadowed rules (warning at the rule's when)", () => {
  const cases: Array<[string, Array<ReturnType<typeof rule>>, string[]]> = [
    [
      'eq inside an earlier in',
      [
        rule('dach', { field: 'country', op: 'in', value: ['DE', 'AT', 'CH'] }),
        rule('de', { field: 'country', op: 'eq', value: 'de' }),
      ],
      ['rules[1].when: rule "de" can never fire: every lead it matches is taken first by rule "dach"'],
    ],
    [
      'eq inside an earlier gt',
      [
        rule('big', { field: 'employeeCount', op: 'gt', value: 500 }),
        rule('huge', { field: 'employeeCount', op: 'eq', value: 1000 }),
      ],
      ['rules[1].when: rule "huge" can never fire: every lead it matches is taken first by rule "big"'],
    ],
    [
      'gte inside an earlier gt',
      [
        rule('big', { field: 'employeeCount', op: 'gt', value: 500 }),
        rule('bigger', { field: 'employeeCount', op: 'gte', value: 1000 }),
      ],
      ['rules[1].when: rule "bigger" can never fire: every lead it matches is taken first by rule "big"'],
    ],
    [
      "a conjunction holding an earlier rule's whole condition",
      [
        rule('de-big', {
          all: [
            { field: 'country', op: 'eq', value: 'DE' },
            { field: 'employeeCount', op: 'gt', value: 500 },
          ],
        }),
        rule('de-big-saas', {
          all: [
            { field: 'industry', op: 'eq', value: 'saas' },
            {
              all: [
                { field: 'country', op: 'eq', value: 'DE' },
                { field: 'employeeCount', op: 'gt', value: 500 },
              ],
            },
          ],
        }),
      ],
      ['rules[1].when: rule "de-big-saas" can never fire: every lead it matches is taken first by rule "de-big"'],
    ],
    [
      'a conjunction with one leaf implied',
      [
        rule('de', { field: 'country', op: 'eq', value: 'DE' }),
        rule('de-saas', {
          all: [
            { field: 'country', op: 'eq', value: 'DE' },
            { field: 'industry', op: 'eq', value: 'saas' },
          ],
        }),
      ],
      ['rules[1].when: rule "de-saas" can never fire: every lead it matches is taken first by rule "de"'],
    ],
    [
      'an in covered by several earlier rules',
      [
        rule('de', { field: 'country', op: 'eq', value: 'DE' }),
        rule('at', { field: 'country', op: 'eq', value: 'AT' }),
        rule('dach', { field: 'country', op: 'in', value: ['DE', 'AT'] }),
      ],
      ['rules[2].when: rule "dach" can never fire: every lead it matches is taken first by rules "de", "at"'],
    ],
    [
      'a time window inside an earlier one',
      [
        rule('office', {
          time: { zone: 'Europe/Berlin', days: ['mon', 'tue', 'wed', 'thu', 'fri'], between: ['09:00', '17:00'] },
        }),
        rule('morning', { time: { zone: 'Europe/Berlin', days: ['mon'], between: ['09:00', '12:00'] } }),
      ],
      ['rules[1].when: rule "morning" can never fire: every lead it matches is taken first by rule "office"'],
    ],
    [
      'not shadowed: a wider in after a narrower one',
      [
        rule('de', { field: 'country', op: 'eq', value: 'DE' }),
        rule('dach', { field: 'country', op: 'in', value: ['DE', 'AT'] }),
      ],
      [],
    ],
    [
      'not shadowed: a disjunction after one of its parts',
      [
        rule('de', { field: 'country', op: 'eq', value: 'DE' }),
        rule('de-or-big', {
          any: [
            { field: 'country', op: 'eq', value: 'DE' },
            { field: 'employeeCount', op: 'gt', value: 5 },
          ],
        }),
      ],
      [],
    ],
    [
      'a case-sensitive rule after a case-insensitive one with the same value',
      [
        rule('a', { field: 'industry', op: 'eq', value: 'saas' }),
        rule('b', { field: 'industry', op: 'eq', value: 'SaaS', caseSensitive: true }),
      ],
      ['rules[1].when: rule "b" can never fire: every lead it matches is taken first by rule "a"'],
    ],
    [
      'not shadowed: case-insensitive later rule vs case-sensitive earlier',
      [
        rule('a', { field: 'industry', op: 'eq', value: 'SaaS', caseSensitive: true }),
        rule('b', { field: 'industry', op: 'eq', value: 'saas' }),
      ],
      [],
    ],
    [
      'not shadowed: different fields',
      [rule('a', { field: 'country', op: 'eq', value: 'DE' }), rule('b', { field: 'region', op: 'eq', value: 'DE' })],
      [],
    ],
    [
      'not shadowed by a disabled rule',
      [
        { ...rule('off', { field: 'country', op: 'in', value: ['DE'] }), enabled: false } as never,
        rule('de', { field: 'country', op: 'eq', value: 'DE' }),
      ],
      [],
    ],
  ];
  it.each(cases)('%s', (_name, rules, expected) => {
    expect(lint(cfg({ rules })).map((i) => `${i.path.replace(/^routing\./, '')}: ${i.message}`)).toEqual(expected);
  });
});

describe('leads that end unassigned', () => {
  it('warns at default, naming the leads no rule takes', () => {
    const rules = [
      rule('dach', { field: 'country', op: 'in', value: ['DE', 'AT'] }),
      rule('big', { field: 'employeeCount', op: 'gt', value: 500 }),
    ];
    expect(lint(cfg({ rules, default: undefined }))).toEqual([
      {
        path: 'routing.default',
        message:
          'no default and no rule with match: always: a lead for which none of these holds: dach (country in [DE, AT]); big (employeeCount gt 500) ends unassigned (NO_RULE_MATCHED). Add a default or a last catch-all rule',
      },
    ]);
  });
  it('says nothing with a catch-all rule or a default', () => {
    expect(lint(cfg({ rules: [rule('all', { match: 'always' })], default: undefined }))).toEqual([]);
    expect(lint(cfg({ rules: [rule('de', { field: 'country', op: 'eq', value: 'DE' })] }))).toEqual([]);
  });
});

describe('pools nobody staffs on a weekday', () => {
  const hours = (span: string, days: string[]) => Object.fromEntries(days.map((d) => [d, [span]]));
  it('warns with the hours not covered when members share a zone', () => {
    const staffed = [
      {
        id: 'ana',
        crmIds: { hubspot: 'h1' },
        timeZone: 'Europe/Berlin',
        workingHours: hours('09:00-17:00', ['mon', 'tue', 'wed', 'thu', 'fri']),
      },
      {
        id: 'bo',
        crmIds: { hubspot: 'h2' },
        timeZone: 'Europe/Berlin',
        workingHours: {
          ...hours('12:00-20:00', ['mon', 'tue', 'wed', 'fri']),
          thu: ['12:00-20:00', '22:00-02:00'],
          sat: ['10:00-14:00'],
        },
      },
    ];
    expect(lint(cfg({ reps: staffed }))).toEqual([
      {
        path: 'routing.pools[0].members',
        message:
          'no member of pool "p" ever works on sun: leads routed here then stay unassigned (POOL_EXHAUSTED); hours not covered (Europe/Berlin): mon 00:00-09:00, 20:00-24:00; tue 00:00-09:00, 20:00-24:00; wed 00:00-09:00, 20:00-24:00; thu 00:00-09:00, 20:00-22:00; fri 02:00-09:00, 20:00-24:00; sat 00:00-10:00, 14:00-24:00; sun all day',
      },
    ]);
  });
  it('says nothing when someone works every day, or has no working hours (always on)', () => {
    const allWeek = [
      {
        id: 'ana',
        crmIds: { hubspot: 'h1' },
        workingHours: hours('09:00-10:00', ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
      },
      { id: 'bo', crmIds: { hubspot: 'h2' } },
    ];
    expect(lint(cfg({ reps: allWeek }))).toEqual([]);
    expect(
      lint(
        cfg({
          reps: [allWeek[1]!, { id: 'ana', crmIds: { hubspot: 'h1' }, workingHours: hours('09:00-17:00', ['mon']) }],
        }),
      ),
    ).toEqual([]);
  });
});

describe('all-zero weighted pools', () => {
  const zero = {
    id: 'z',
    strategy: 'weighted_round_robin' as const,
    members: ['ana', 'bo'],
    weights: { ana: 0, bo: 0 },
  };
  it('with an overflow: a warning, not an error', () => {
    const input = cfg({ pools: [...pools, { ...zero, overflow: [{ pool: 'p' }] }] });
    expect(errorsOf(input)).toEqual([]);
    expect(lint(input)).toEqual([
      {
        path: 'routing.pools[1].weights',
        message: 'every member of pool "z" has weight 0: every lead goes straight to its overflow',
      },
    ]);
  });
  it('without one: still an error', () => {
    expect(errorsOf(cfg({ pools: [...pools, zero] }))).toEqual([
      {
        path: 'routing.pools[1].weights',
        message: 'every member has weight 0 and there is no overflow: this pool can never assign',
      },
    ]);
  });
});

describe('errors of the new condition shapes', () => {
  const cases: Array<[string, Condition, Array<{ path: string; message: string }>]> = [
    [
      'an unknown zone',
      { time: { zone: 'Europe/Berlinn', days: ['mon'] } },
      [
        {
          path: 'routing.rules[0].when.time.zone',
          message: '"Europe/Berlinn" is not an IANA time zone (e.g. Europe/Berlin)',
        },
      ],
    ],
    [
      'all_in on a one-value field',
      { field: 'country', op: 'all_in', value: ['DE'] },
      [
        {
          path: 'routing.rules[0].when.op',
          message:
            'all_in tests list fields (productInterest, account.domains, custom.<name>); country holds one value: use eq',
        },
      ],
    ],
    [
      'none_in on a one-value field',
      { field: 'industry', op: 'none_in', value: ['saas'] },
      [
        {
          path: 'routing.rules[0].when.op',
          message:
            'none_in tests list fields (productInterest, account.domains, custom.<name>); industry holds one value: use not_in',
        },
      ],
    ],
    [
      'account with a value operator',
      { field: 'account', op: 'eq', value: 'acme' },
      [
        {
          path: 'routing.rules[0].when.op',
          message:
            'account alone only takes exists or empty (is there a matched account) or account.matched eq true/false; test its fields as account.id, account.name, account.owner, account.industry, account.tier, account.country',
        },
      ],
    ],
    ['fine: all_in on productInterest', { field: 'productInterest', op: 'all_in', value: ['api'] }, []],
    ['fine: account exists', { field: 'account.custom.tier', op: 'gt', value: 2 }, []],
  ];
  it.each(cases)('%s', (_name, when, expected) => {
    expect(errorsOf(cfg({ rules: [rule('r', when)] }))).toEqual(expected);
  });

  it('schema: a time condition needs days or between, and HH:MM times', () => {
    const bad = (time: unknown) =>
      routingConfigSchema
        .safeParse(cfg({ rules: [rule('r', { time } as never)] }))
        .error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(bad({ zone: 'UTC' })).toEqual(['rules.0.when.time: a time condition needs days, between or both']);
    expect(bad({ zone: 'UTC', between: ['9:00', '17:00'] })).toEqual([
      'rules.0.when.time.between.0: use HH:MM (24h; an end may be 24:00)',
    ]);
    expect(bad({ zone: 'UTC', days: ['monday'] })).toEqual([
      'rules.0.when.time.days.0: days are mon, tue, wed, thu, fri, sat, sun',
    ]);
    expect(bad({ zone: 'UTC', between: ['09:00', '09:00'] })).toEqual([
      'rules.0.when.time.between: start and end are the same time (a whole day is ["00:00", "24:00"])',
    ]);
  });
});
