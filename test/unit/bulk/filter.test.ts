import { describe, expect, it } from 'vitest';
import { formatLeadFilter, parseLeadFilter } from '../../../src/bulk/index.js';

const failure = (text: string) => {
  try {
    parseLeadFilter(text);
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  throw new Error(`"${text}" parsed`);
};

describe('the reroute filter', () => {
  it('reads owner, pool, rule, crm lists (none = no value) and age bounds', () => {
    expect(parseLeadFilter('owner=ana,bo AND pool!=none and rule=emea and crm=hubspot and age>=7d and age<2w')).toEqual(
      {
        conditions: [
          { field: 'owner', negate: false, values: ['ana', 'bo'] },
          { field: 'pool', negate: true, values: [null] },
          { field: 'rule', negate: false, values: ['emea'] },
          { field: 'crm', negate: false, values: ['hubspot'] },
          { field: 'age', op: '>=', ms: 7 * 86_400_000 },
          { field: 'age', op: '<', ms: 14 * 86_400_000 },
        ],
      },
    );
    expect(parseLeadFilter('')).toEqual({ conditions: [] });
    expect(formatLeadFilter(parseLeadFilter('owner = ana,none and age>36h'))).toBe('owner=ana,none and age>36h');
  });

  it.each([
    ['owner=ana and agee>7d', '"agee>7d" at column 15: unknown field "agee"'],
    ['owner=ana and', '"" at column 14: empty condition (two "and" in a row, or one at an end)'],
    ['owner ana', '"owner ana" at column 1: expected <field> <operator> <value>'],
    ['age=7d', '"age=7d" at column 1: age compares with < <= > >= (age>7d: stored more than 7 days ago)'],
    ['age>7 days', '"age>7 days" at column 1: "7 days" is not a duration: <n>m, <n>h, <n>d or <n>w'],
    ['owner>ana', '"owner>ana" at column 1: owner compares with = or != (> is for age)'],
    ['crm=pipedrive', '"crm=pipedrive" at column 1: unknown CRM "pipedrive" (hubspot, salesforce, api)'],
    ['pool=a,,b', '"pool=a,,b" at column 1: an empty value in the list'],
    ['owner=', '"owner=" at column 1: no value after "="'],
  ])('refuses %j naming the bad part', (text, why) => {
    const f = failure(text);
    expect(f.code).toBe('BULK_FILTER_INVALID');
    expect(f.message).toBe(
      `where: ${why} (fields: owner, pool, rule, crm, age; operators: = != (lists: a,b) and < <= > >= (age, e.g. age>7d))`,
    );
  });
});
