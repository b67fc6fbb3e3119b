// Shadowed rules: a rule every lead of which an earlier enabled rule (or several together)
// takes first. The check is conservative: it reports a rule only when implication is certain
// from the conditions' shapes (an `eq` inside an earlier `in` or `gt`, a conjunction holding an
// earlier rule's whole condition, an `in` whose values earlier rules cover one by one); it never
// evaluates regexes or guesses about values it cannot compare.
import type { Condition, LeafCondition, TimeWindow } from './condition-schema.js';
import { toNumber } from './operators.js';
import { weekdays } from './rep-schema.js';

type Earlier = { id: string; when: Condition };

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const isLeaf = (c: Condition): c is LeafCondition => 'op' in c;
const cs = (c: LeafCondition) => 'caseSensitive' in c && c.caseSensitive === true;

/** Same value as a leaf compares it: numbers as numbers, strings ignoring case unless `sensitive`. */
function sameValue(a: unknown, b: unknown, sensitive: boolean): boolean {
  if (typeof a === 'number' || typeof b === 'number') return toNumber(a) !== undefined && toNumber(a) === toNumber(b);
  if (typeof a === 'string' && typeof b === 'string') return sensitive ? a === b : a.toLowerCase() === b.toLowerCase();
  return a === b;
}

type Interval = { lo: number; loIn: boolean; hi: number; hiIn: boolean };
function interval(c: LeafCondition): Interval | undefined {
  switch (c.op) {
    case 'eq':
      return typeof c.value === 'number' ? { lo: c.value, loIn: true, hi: c.value, hiIn: true } : undefined;
    case 'gt':
      return { lo: c.value, loIn: false, hi: Infinity, hiIn: false };
    case 'gte':
      return { lo: c.value, loIn: true, hi: Infinity, hiIn: false };
    case 'lt':
      return { lo: -Infinity, loIn: false, hi: c.value, hiIn: false };
    case 'lte':
      return { lo: -Infinity, loIn: false, hi: c.value, hiIn: true };
    case 'between':
      return { lo: c.value[0], loIn: true, hi: c.value[1], hiIn: true };
    default:
      return undefined;
  }
}
const within = (a: Interval, b: Interval) =>
  (a.lo > b.lo || (a.lo === b.lo && (b.loIn || !a.loIn))) && (a.hi < b.hi || (a.hi === b.hi && (b.hiIn || !a.hiIn)));

/** The values a leaf requires one of (eq, in); undefined for other operators. */
function oneOf(c: LeafCondition): ReadonlyArray<string | number | boolean> | undefined {
  if (c.op === 'eq') return [c.value];
  if (c.op === 'in') return c.value;
  return undefined;
}
const needsValue = new Set([
  'eq',
  'in',
  'contains',
  'starts_with',
  'ends_with',
  'matches',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'all_in',
  'none_in',
]);

/** Every lead `a` matches, `b` matches too (both leaves on one field). */
function leafImplies(a: LeafCondition, b: LeafCondition): boolean {
  if (a.field !== b.field) return false;
  if (deepEqual(a, b)) return true;
  // A case-sensitive b matches fewer leads than a case-insensitive a with the same value.
  if (cs(b) && !cs(a)) return false;
  const sensitive = cs(b);
  if (b.op === 'exists') return needsValue.has(a.op) && !(a.op === 'eq' && a.value === '');
  const ia = interval(a);
  const ib = interval(b);
  if (ia && ib) return within(ia, ib);
  const av = oneOf(a);
  const bv = oneOf(b);
  if (av && bv) return av.every((x) => bv.some((y) => sameValue(x, y, sensitive)));
  if (av && (b.op === 'starts_with' || b.op === 'ends_with')) {
    const want = sensitive ? b.value : b.value.toLowerCase();
    return av.every((x) => {
      if (typeof x !== 'string') return false;
      const have = sensitive ? x : x.toLowerCase();
      return b.op === 'starts_with' ? have.startsWith(want) : have.endsWith(want);
    });
  }
  if ((a.op === 'starts_with' && b.op === 'starts_with') || (a.op === 'ends_with' && b.op === 'ends_with')) {
    const [x, y] = sensitive ? [a.value, b.value] : [a.value.toLowerCase(), b.value.toLowerCase()];
    return a.op === 'starts_with' ? x.startsWith(y) : x.endsWith(y);
  }
  if (a.op === 'all_in' && b.op === 'all_in')
    return b.value.every((y) => a.value.some((x) => sameValue(x, y, sensitive)));
  if (a.op === 'all_in' && bv) return bv.some((y) => a.value.some((x) => sameValue(x, y, sensitive)));
  return false;
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** a's window lies inside b's (same zone; windows across midnight only when equal). */
function timeImplies(a: TimeWindow, b: TimeWindow): boolean {
  if (a.zone !== b.zone) return false;
  if (deepEqual(a, b)) return true;
  const aDays = a.days ?? weekdays;
  const bDays = new Set(b.days ?? weekdays);
  if (!aDays.every((d) => bDays.has(d))) return false;
  if (!b.between) return true;
  if (!a.between) return false;
  const [as, ae] = a.between.map(minuteOf) as [number, number];
  const [bs, be] = b.between.map(minuteOf) as [number, number];
  return as < ae && bs < be && as >= bs && ae <= be;
}

/** Every lead `a` matches, `b` matches too; false when that cannot be shown from the shapes. */
export function implies(a: Condition, b: Condition): boolean {
  if (deepEqual(a, b)) return true;
  if ('all' in b) return b.all.every((x) => implies(a, x));
  if ('any' in a) return a.any.every((x) => implies(x, b));
  if ('all' in a && a.all.some((x) => implies(x, b))) return true;
  if ('any' in b && b.any.some((x) => implies(a, x))) return true;
  if ('not' in a && 'not' in b) return implies(b.not, a.not);
  if ('time' in a && 'time' in b) return timeImplies(a.time, b.time);
  if (isLeaf(a) && isLeaf(b)) return leafImplies(a, b);
  return false;
}

/** The earlier rules that together take every lead `c` matches, or undefined when that is not certain. */
export function coveredBy(c: Condition, earlier: readonly Earlier[]): string[] | undefined {
  const one = earlier.find((e) => implies(c, e.when));
  if (one) return [one.id];
  if ('any' in c) {
    const ids = new Set<string>();
    for (const x of c.any) {
      const by = coveredBy(x, earlier);
      if (!by) return undefined;
      by.forEach((id) => ids.add(id));
    }
    return [...ids];
  }
  if ('all' in c) {
    for (const x of c.all) {
      const by = coveredBy(x, earlier);
      if (by) return by;
    }
    return undefined;
  }
  // `country in [DE, AT]` after rules taking DE and AT one by one.
  if (isLeaf(c) && c.op === 'in' && c.value.length > 1) {
    const ids = new Set<string>();
    for (const v of c.value) {
      const single: LeafCondition = { field: c.field, op: 'eq', value: v, ...(cs(c) && { caseSensitive: true }) };
      const by = earlier.find((e) => implies(single, e.when));
      if (!by) return undefined;
      ids.add(by.id);
    }
    return [...ids];
  }
  return undefined;
}
