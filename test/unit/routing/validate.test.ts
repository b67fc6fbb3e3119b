import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  decide,
  routingConfigSchema,
  validateRoutingConfig,
  type RoutingConfigInput,
} from '../../../src/routing/index.js';
import { aLead, at, noHistory } from '../../builders/index.js';

const base = (): RoutingConfigInput => ({
  reps: [
    { id: 'ana', crmIds: { hubspot: 'h1', salesforce: 's1' } },
    { id: 'bo', crmIds: { hubspot: 'h2' } },
  ],
  pools: [{ id: 'p', strategy: 'round_robin', members: ['ana', 'bo'] }],
  rules: [{ id: 'all', when: { match: 'always' }, action: { pool: 'p' } }],
});

const zodIssues = (input: unknown) => {
  const r = routingConfigSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};
const semantic = (input: RoutingConfigInput) => validateRoutingConfig(routingConfigSchema.parse(input));

describe('schema (zod) errors carry paths', () => {
  it('rejects a rule with no conditions', () => {
    const c = base();
    c.rules = [{ id: 'r', when: {} as never, action: { pool: 'p' } }];
    expect(zodIssues(c)).toEqual([
      {
        path: 'rules.0.when',
        message:
          'a condition is { all: [...] }, { any: [...] }, { not: ... }, { time: { zone, days, between } } or { field, op, value }',
      },
    ]);
    c.rules = [{ id: 'r', when: { all: [] }, action: { pool: 'p' } }];
    expect(zodIssues(c)).toEqual([{ path: 'rules.0.when.all', message: 'all needs at least one condition' }]);
  });

  it('points into nested conditions, unknown fields, operators and values', () => {
    const c = base();
    c.rules = [
      {
        id: 'r',
        when: {
          all: [
            { field: 'country', op: 'eq', value: 'DE' },
            { any: [{ field: 'nope', op: 'gt', value: 'x' as never }] },
          ],
        },
        action: { pool: 'p' },
      },
    ];
    expect(zodIssues(c).map((i) => i.path)).toEqual([
      'rules.0.when.all.1.any.0.field',
      'rules.0.when.all.1.any.0.value',
    ]);
    c.rules = [{ id: 'r', when: { field: 'country', op: 'like' as never, value: 'x' }, action: { pool: 'p' } }];
    expect(zodIssues(c)[0]!.path).toBe('rules.0.when.op');
  });

  it('points into actions, fallbacks and rep fields', () => {
    const c = base();
    c.rules = [{ id: 'r', when: { match: 'always' }, action: { rep: 'ana', fallback: { team: 'x' } as never } }];
    c.reps[0]!.workingHours = { mon: ['09:00-09:00'] };
    expect(
      zodIssues(c)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['reps.0.workingHours.mon.0', 'rules.0.action.fallback']);
  });
});

describe('validateRoutingConfig', () => {
  it('accepts the sample config', () => {
    const sample = parse(readFileSync(new URL('../../../fixtures/routing/sample.yaml', import.meta.url), 'utf8'));
    expect(validateRoutingConfig(routingConfigSchema.parse(sample))).toEqual([]);
  });

  it('reports references to pools, reps and queues that do not exist', () => {
    const c = base();
    c.pools![0]!.members.push('zed');
    c.pools![0]!.overflow = [{ pool: 'ghost' }, { queue: 'q' }];
    c.rules = [
      { id: 'a', when: { field: 'country', op: 'eq', value: 'DE' }, action: { pool: 'missing' } },
      {
        id: 'b',
        when: { field: 'country', op: 'eq', value: 'AT' },
        action: { rep: 'ana', fallback: { rep: 'nobody' } },
      },
      { id: 'c', when: { field: 'country', op: 'eq', value: 'CH' }, action: { accountOwner: true } },
    ];
    expect(semantic(c)).toEqual([
      { path: 'routing.pools[0].members[2]', message: 'rep "zed" does not exist' },
      { path: 'routing.pools[0].overflow[0].pool', message: 'pool "ghost" does not exist' },
      { path: 'routing.pools[0].overflow[1].queue', message: 'queue "q" does not exist' },
      { path: 'routing.rules[0].action.pool', message: 'pool "missing" does not exist' },
      { path: 'routing.rules[1].action.fallback.rep', message: 'rep "nobody" does not exist' },
      // rules[2] routes to the account owner with no config accounts: valid, CRM accounts come from the mirror.
    ]);
  });

  it('reports duplicate ids and duplicate CRM owner ids', () => {
    const c = base();
    c.reps.push({ id: 'ana', crmIds: { hubspot: 'h9' } }, { id: 'cy', crmIds: { hubspot: 'h2' } });
    expect(semantic(c)).toEqual([
      { path: 'routing.reps[2].id', message: 'duplicate rep id "ana" (first at index 0)' },
      { path: 'routing.reps[3].crmIds.hubspot', message: 'duplicate hubspot owner id "h2" (first at index 1)' },
    ]);
  });

  it('reports regexes that do not compile and invalid time zones', () => {
    const c = base();
    c.reps[1]!.timeZone = 'Europe/Atlantis';
    c.rules = [
      { id: 'r', when: { not: { field: 'email', op: 'matches', value: '(unclosed' } }, action: { pool: 'p' } },
    ];
    const issues = semantic(c);
    expect(issues.map((i) => i.path)).toEqual(['routing.reps[1].timeZone', 'routing.rules[0].when.not.value']);
    expect(issues[1]!.message).toMatch(/^regular expression does not compile/);
  });

  it('refuses regexes that can backtrack catastrophically, and keeps ordinary ones', () => {
    const c = base();
    c.rules = [
      { id: 'nested', when: { field: 'company', op: 'matches', value: '^(\\w+\\s?)*$' }, action: { pool: 'p' } },
      { id: 'plain', when: { field: 'email', op: 'matches', value: '@(acme|globex)\\.com$' }, action: { pool: 'p' } },
    ];
    const issues = semantic(c);
    expect(issues.map((i) => i.path)).toEqual(['routing.rules[0].when.value']);
    expect(issues[0]!.message).toMatch(/^regular expression may take exponential time/);
  });

  it('reports rules that can never fire after a catch-all, and overflow cycles', () => {
    const c = base();
    c.pools!.push({ id: 'q', strategy: 'round_robin', members: ['bo'], overflow: [{ pool: 'p' }] });
    c.pools![0]!.overflow = [{ pool: 'q' }];
    c.rules.push({ id: 'late', when: { field: 'country', op: 'eq', value: 'DE' }, action: { pool: 'p' } });
    c.default = { pool: 'p' };
    expect(semantic(c)).toEqual([
      { path: 'routing.pools[0].overflow', message: 'overflow chain from "p" leads back to it' },
      { path: 'routing.pools[1].overflow', message: 'overflow chain from "q" leads back to it' },
      { path: 'routing.rules[1]', message: 'rule "late" can never fire: rule "all" before it matches every lead' },
      { path: 'routing.default', message: 'default is never used: rule "all" matches every lead' },
    ]);
  });
});

describe('the sample config routes', () => {
  const sample = routingConfigSchema.parse(
    parse(readFileSync(new URL('../../../fixtures/routing/sample.yaml', import.meta.url), 'utf8')),
  );
  const now = at('2026-11-25T10:00Z'); // Wednesday: Europe at work, America asleep

  it.each([
    [{ country: 'DE' as const, score: 90, language: 'de' }, 'anna.schmidt', 'dach-hot'],
    [{ country: 'AT' as const, score: 10, language: 'de' }, 'anna.schmidt', 'dach'], // first in rotation
    [{ websiteDomain: 'acme.de', freeEmail: false }, 'anna.schmidt', 'named-accounts'],
    [{ country: 'US' as const, score: 30 }, 'sdr.lead', 'north-america'], // NA reps off hours: overflow rep
    [{ email: 'test+1@corp.com', emailDomain: 'corp.com' }, 'unworked', 'spam-test-leads'],
  ])('%o -> %s by %s', (lead, owner, rule) => {
    expect(decide(aLead(lead), sample, noHistory(), now)).toMatchObject({
      kind: 'assigned',
      ownerId: owner,
      ruleId: rule,
    });
  });
});
