// Conditions compiled once per config into closures. Evaluation records every leaf it
// actually tested (field, value seen, result) so the decision can show its working;
// all/any short-circuit, so leaves after the deciding one are not in the trace.
import type { Lead } from '../lead/index.js';
import { accountFieldGetter, isAccountField, type AccountView } from './account-fields.js';
import type { Condition, TimeWindow, When } from './condition-schema.js';
import { fieldGetter } from './fields.js';
import { zoneClock } from './local-time.js';
import { buildTest, type ValueTest } from './operators.js';
import { weekdays } from './rep-schema.js';
import type { CheckTrace, RuleTrace } from './types.js';

/** What a condition reads: the lead, the decision's time (never a clock) and the matched account, looked up on first use. */
export interface ConditionInput {
  lead: Lead;
  now: Date;
  account(): AccountView | undefined;
}

export type CompiledCondition = (input: ConditionInput, checks: CheckTrace[]) => boolean;

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A time window as a test on (weekday 0 = Monday, minute of day). */
export function timeWindowTest(t: TimeWindow): (weekday: number, minute: number) => boolean {
  const days = new Set((t.days ?? weekdays).map((d) => weekdays.indexOf(d)));
  if (!t.between) return (weekday) => days.has(weekday);
  const start = minutes(t.between[0]);
  const end = minutes(t.between[1]);
  if (start < end) return (weekday, m) => days.has(weekday) && m >= start && m < end;
  // Across midnight: the part after midnight belongs to the day the window started on.
  return (weekday, m) => (m >= start && days.has(weekday)) || (m < end && days.has((weekday + 6) % 7));
}

function compileTime(t: TimeWindow): CompiledCondition {
  const clock = zoneClock(t.zone); // undefined for an unknown zone: validation refuses it, and it never matches
  const test = timeWindowTest(t);
  const expected = { zone: t.zone, ...(t.days && { days: t.days }), ...(t.between && { between: t.between }) };
  return (input, checks) => {
    const local = clock?.at(input.now);
    const result = local !== undefined && test(local.weekday, local.minuteOfDay);
    const saw =
      local &&
      `${weekdays[local.weekday]} ${String(Math.floor(local.minuteOfDay / 60)).padStart(2, '0')}:${String(local.minuteOfDay % 60).padStart(2, '0')}`;
    checks.push({ field: 'time', op: 'within', expected, saw, result }); // reads "time within {…}: saw wed 17:30"
    return result;
  };
}

export function compileCondition(c: Condition): CompiledCondition {
  if ('all' in c) {
    const items = c.all.map(compileCondition);
    return (input, checks) => {
      for (const item of items) if (!item(input, checks)) return false;
      return true;
    };
  }
  if ('any' in c) {
    const items = c.any.map(compileCondition);
    return (input, checks) => {
      for (const item of items) if (item(input, checks)) return true;
      return false;
    };
  }
  if ('not' in c) {
    const inner = compileCondition(c.not);
    return (input, checks) => !inner(input, checks);
  }
  if ('time' in c) return compileTime(c.time);
  const test = buildTest(c);
  const { field, op } = c;
  const expected = 'value' in c ? c.value : undefined;
  if (isAccountField(field)) {
    const get = accountFieldGetter(field);
    return (input, checks) => {
      const account = input.account();
      const saw = field === 'account' ? account?.id : get(account);
      const result = test(field === 'account' ? account : saw);
      checks.push({ field, op, expected, saw, result });
      return result;
    };
  }
  const get = fieldGetter(field);
  return (input, checks) => {
    const saw = get(input.lead);
    const result = test(saw);
    checks.push({ field, op, expected, saw, result });
    return result;
  };
}

/**
 * The leaf a rule tests first, when it reads a lead field: `all: [leaf, ...]` or the leaf alone.
 * Most leads fail most rules right there, and a leaf's answer is a function of the value it saw,
 * so decide() keeps each rule's miss per value (misses) and skips the evaluation for a repeat.
 */
export interface LeadingLeaf {
  get: (lead: Lead) => unknown;
  test: ValueTest;
  field: string;
  op: string;
  expected: unknown;
  /** Frozen trace entries of the rule missing on this value; filled by decide (bounded). */
  misses: Map<unknown, RuleTrace>;
}

export function leadingLeaf(when: When): LeadingLeaf | undefined {
  if ('match' in when) return undefined;
  const first = 'all' in when ? when.all[0] : when;
  if (!first || 'all' in first || 'any' in first || 'not' in first || 'time' in first) return undefined;
  if (isAccountField(first.field)) return undefined;
  const expected = 'value' in first ? first.value : undefined;
  return {
    get: fieldGetter(first.field),
    test: buildTest(first),
    field: first.field,
    op: first.op,
    expected,
    misses: new Map(),
  };
}

const always: CompiledCondition = () => true;

export function compileWhen(when: When): CompiledCondition {
  return 'match' in when ? always : compileCondition(when);
}
