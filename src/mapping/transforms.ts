// Each transform spec compiles once into a Step; applying a mapping then only calls closures.
import { domainOf, toCountryCode, toUsCaRegionCode } from '../lead/index.js';
import { describe, Fail, type Step } from './fail.js';
import type { TransformSpec } from './transform-schema.js';
import { parseBoolean, parseDate, parseNumber } from './value-parsers.js';

type Scalar = string | number | boolean;

const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Lift a string step over scalars (42 -> "42") and string lists (multi-select fields). */
function onText(fn: (text: string) => unknown, what: string): Step {
  return (v) => {
    if (typeof v === 'string') return fn(v);
    if (typeof v === 'number' || typeof v === 'boolean') return fn(String(v));
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (const item of v) {
        const r = isScalar(item) ? fn(String(item)) : new Fail(`${describe(item)} is not text`);
        if (r instanceof Fail) return r;
        out.push(r);
      }
      return out;
    }
    return new Fail(`${describe(v)} cannot be ${what}`);
  };
}

const trim: Step = (v) =>
  typeof v === 'string' ? v.trim() : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x.trim() : x)) : v;

function country(text: string): string | Fail {
  return toCountryCode(text) ?? new Fail(`${describe(text)} is not a country name or ISO code`);
}

function domain(text: string): string | Fail {
  return domainOf(text) ?? new Fail(`${describe(text)} has no valid domain`);
}

function valueMap(spec: Extract<TransformSpec, { op: 'map' }>): Step {
  const table = new Map<string, Scalar>();
  for (const [key, value] of Object.entries(spec.values)) table.set(key.trim().toLowerCase(), value);
  const known = [...Object.keys(spec.values)].slice(0, 10).join(', ');
  const fallback = spec.default;
  return onText((text) => {
    const hit = table.get(text.trim().toLowerCase());
    if (hit !== undefined) return hit;
    if (fallback !== undefined) return fallback ?? undefined;
    return new Fail(`${describe(text)} is not in the value map (known: ${known})`);
  }, 'looked up');
}

function regexExtract(spec: Extract<TransformSpec, { op: 'regex' }>): Step {
  const re = new RegExp(spec.pattern, spec.flags ?? '');
  // Default group: the first capture when the pattern has one, so "(\d+)" keeps the digits.
  const hasGroup = new RegExp(`${spec.pattern}|`, spec.flags ?? '').exec('')!.length > 1;
  const group = spec.group ?? (hasGroup ? 1 : 0);
  return onText((text) => {
    const m = re.exec(text);
    const hit = m ? (typeof group === 'number' ? m[group] : m.groups?.[group]) : undefined;
    return hit ?? new Fail(`${describe(text)} does not match /${spec.pattern}/${group ? ` (group ${group})` : ''}`);
  }, 'matched');
}

/** Throws on a spec validateMapping would reject (a regex that does not compile). */
export function compileTransform(spec: TransformSpec): Step {
  switch (spec.op) {
    case 'trim':
      return trim;
    case 'lower':
      return onText((t) => t.toLowerCase(), 'lower-cased');
    case 'upper':
      return onText((t) => t.toUpperCase(), 'upper-cased');
    case 'number':
      return parseNumber;
    case 'boolean':
      return parseBoolean;
    case 'date':
      return (v) => parseDate(v, spec.epoch);
    case 'country':
      return onText(country, 'a country');
    case 'domain':
      return onText(domain, 'a domain');
    case 'state':
      return onText(
        (t) =>
          toUsCaRegionCode(t) ??
          (spec.strict ? new Fail(`${describe(t)} is not a US state or Canadian province`) : t.trim()),
        'a state',
      );
    case 'map':
      return valueMap(spec);
    case 'regex':
      return regexExtract(spec);
  }
}
