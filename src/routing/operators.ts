// Leaf operators, built once per rule with the expected value pre-normalised.
// Semantics an admin can predict:
// - strings compare case-insensitively unless caseSensitive: true;
// - numbers compare as numbers ("42" from a CRM text field is 42); a missing or non-numeric
//   value never satisfies gt/gte/lt/lte/between;
// - a list field (productInterest, a multi-select custom field) satisfies eq/in/contains/
//   starts_with/ends_with/matches when any element does;
// - neq and not_in are the exact negation of eq and in (a lead with no country is "not DE");
// - all_in: the field holds every listed value (a single value holds a one-item list);
//   none_in: the field has a value and none of its values is listed (empty never matches).
import type { LeafCondition } from './condition-schema.js';

export type ValueTest = (value: unknown) => boolean;

const numeric = /^\s*-?\d+(\.\d+)?\s*$/;

export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && numeric.test(value)) return Number(value);
  return undefined;
}

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** Lifts a test on one value to lists: true when any element passes. */
function anyElement(test: ValueTest): ValueTest {
  return (value) => (Array.isArray(value) ? value.some(test) : test(value));
}

/**
 * Case-insensitive equality against an already lower-cased string, without allocating: this
 * runs for nearly every leaf of every rule, and toLowerCase() per call was a third of the
 * rule-evaluation time in bench/routing-decide.ts. Non-ASCII falls back to toLowerCase().
 */
export function equalsLower(have: string, wantLower: string): boolean {
  if (have.length !== wantLower.length) return false;
  for (let i = 0; i < have.length; i++) {
    let c = have.charCodeAt(i);
    if (c >= 128) return have.toLowerCase() === wantLower;
    if (c >= 65 && c <= 90) c += 32;
    if (c !== wantLower.charCodeAt(i)) return false;
  }
  return true;
}

function equalsTest(expected: string | number | boolean, caseSensitive: boolean): ValueTest {
  if (typeof expected === 'number') return (v) => toNumber(v) === expected;
  if (typeof expected === 'boolean')
    return (v) => v === expected || (typeof v === 'string' && equalsLower(v, String(expected)));
  const want = caseSensitive ? expected : expected.toLowerCase();
  return (v) => {
    if (typeof v === 'string') return caseSensitive ? v === want : equalsLower(v, want);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v) === want;
    return false;
  };
}

/** `in` over a list: a Set lookup for long lists of strings (country lists run to dozens). */
function inListTest(values: ReadonlyArray<string | number>, caseSensitive: boolean): ValueTest {
  if (values.length > 8 && values.every((x) => typeof x === 'string')) {
    const set = new Set(values.map((x) => (caseSensitive ? String(x) : String(x).toLowerCase())));
    return (v) =>
      typeof v === 'string'
        ? set.has(caseSensitive ? v : v.toLowerCase())
        : typeof v === 'number' && set.has(String(v));
  }
  const tests = values.map((x) => equalsTest(x, caseSensitive));
  return (v) => {
    for (const t of tests) if (t(v)) return true;
    return false;
  };
}

function stringTest(expected: string, caseSensitive: boolean, fn: (have: string, want: string) => boolean): ValueTest {
  const want = caseSensitive ? expected : expected.toLowerCase();
  return (v) => {
    if (typeof v === 'number') v = String(v);
    return typeof v === 'string' && fn(caseSensitive ? v : v.toLowerCase(), want);
  };
}

function numberTest(fn: (n: number) => boolean): ValueTest {
  return (v) => {
    const n = toNumber(v);
    return n !== undefined && fn(n);
  };
}

/** An invalid pattern never matches; validateRoutingConfig rejects it before a config is published. */
export function compileRegex(pattern: string, caseSensitive: boolean): RegExp | undefined {
  try {
    return new RegExp(pattern, caseSensitive ? 'u' : 'iu');
  } catch {
    return undefined;
  }
}

export function buildTest(c: LeafCondition): ValueTest {
  const cs = 'caseSensitive' in c && c.caseSensitive === true;
  switch (c.op) {
    case 'eq':
      return anyElement(equalsTest(c.value, cs));
    case 'neq': {
      const eq = anyElement(equalsTest(c.value, cs));
      return (v) => !eq(v);
    }
    case 'in':
    case 'not_in': {
      const inList = anyElement(inListTest(c.value, cs));
      return c.op === 'in' ? inList : (v) => !inList(v);
    }
    case 'contains': {
      // On a list, contains is membership; on a string, substring.
      const member = equalsTest(c.value, cs);
      const sub = stringTest(String(c.value), cs, (h, w) => h.includes(w));
      return (v) => (Array.isArray(v) ? v.some(member) : sub(v));
    }
    case 'starts_with':
      return anyElement(stringTest(c.value, cs, (h, w) => h.startsWith(w)));
    case 'ends_with':
      return anyElement(stringTest(c.value, cs, (h, w) => h.endsWith(w)));
    case 'matches': {
      const re = compileRegex(c.value, cs);
      if (!re) return () => false;
      return anyElement((v) => (typeof v === 'string' || typeof v === 'number') && re.test(String(v)));
    }
    case 'exists':
      return (v) => !isEmpty(v);
    case 'empty':
      return isEmpty;
    case 'gt':
      return numberTest((n) => n > c.value);
    case 'gte':
      return numberTest((n) => n >= c.value);
    case 'lt':
      return numberTest((n) => n < c.value);
    case 'lte':
      return numberTest((n) => n <= c.value);
    case 'between': {
      const [min, max] = c.value;
      return numberTest((n) => n >= min && n <= max);
    }
    case 'all_in': {
      const each = c.value.map((x) => anyElement(equalsTest(x, cs)));
      return (v) => {
        if (isEmpty(v)) return false;
        for (const t of each) if (!t(v)) return false;
        return true;
      };
    }
    case 'none_in': {
      const inList = anyElement(inListTest(c.value, cs));
      return (v) => !isEmpty(v) && !inList(v);
    }
  }
}
