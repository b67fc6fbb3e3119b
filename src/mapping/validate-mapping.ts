// Semantic checks on a parsed mapping that zod's shape cannot express. Paths are spelled as
// everywhere (errors.ts fieldPath), under the caller's prefix (e.g. `mappings["hubspot/contact"]`).
import {
  backtracksCatastrophically,
  canonicalFields,
  didYouMean,
  unsafeRegexMessage,
  type CanonicalField,
} from '../lead/index.js';
import { fieldPath } from '../errors.js';
import { canonicalCoercers, coerceCustom } from './canonical-coercers.js';
import { Fail, isEmpty, type Step } from './fail.js';
import { sourcesOf } from './mapped-fields.js';
import { mappingSchema, type FieldMapping, type Mapping } from './mapping-schema.js';
import type { TransformSpec } from './transform-schema.js';
import { compileTransform } from './transforms.js';

export interface MappingIssue {
  path: string;
  message: string;
}

const customTarget = /^custom\.[A-Za-z0-9_]+$/;
const canonical = new Set<string>(canonicalFields);
// Derived from the email domain after mapping; a mapped value would contradict it.
const derivedOnly = new Set(['freeEmail']);

const join = (prefix: string, ...parts: Array<string | number>) => fieldPath(parts, prefix);

/** The target's final type check: the canonical field's own, or custom's. */
export function coercerFor(target: string): Step {
  return canonical.has(target) ? canonicalCoercers[target as CanonicalField] : coerceCustom;
}

function checkTransform(t: TransformSpec, path: string, issues: MappingIssue[]): void {
  if (t.op === 'regex') {
    let groups: RegExpExecArray | null = null;
    try {
      groups = new RegExp(`${t.pattern}|`, t.flags ?? '').exec('');
    } catch (e) {
      issues.push({ path: `${path}.pattern`, message: `does not compile: ${(e as Error).message}` });
      return;
    }
    if (backtracksCatastrophically(t.pattern)) issues.push({ path: `${path}.pattern`, message: unsafeRegexMessage });
    const count = groups!.length - 1;
    if (typeof t.group === 'number' && t.group > count)
      issues.push({ path: `${path}.group`, message: `the pattern has ${count} capture group(s)` });
    if (typeof t.group === 'string' && !(groups!.groups && t.group in groups!.groups)) {
      issues.push({ path: `${path}.group`, message: `the pattern has no group named "${t.group}"` });
    }
  }
  if (t.op === 'map') {
    const keys = Object.keys(t.values);
    if (keys.length === 0) issues.push({ path: `${path}.values`, message: 'list at least one value' });
    const seen = new Map<string, string>();
    for (const key of keys) {
      const folded = key.trim().toLowerCase();
      const other = seen.get(folded);
      // Keys match ignoring case and spaces, so "Open" and "open " are the same key.
      if (other !== undefined)
        issues.push({
          path: join(path, 'values', key),
          message: `is the same key as "${other}" (keys ignore case and surrounding spaces)`,
        });
      seen.set(folded, key);
    }
  }
}

/** Run a constant default through the field's chain now, so it cannot fail on every record later. */
function checkDefault(f: FieldMapping, path: string, issues: MappingIssue[]): void {
  if (f.default === undefined) return;
  let value: unknown = f.default;
  for (const step of [...f.transforms.map(compileTransform), coercerFor(f.to)]) {
    value = step(value);
    if (value instanceof Fail) return void issues.push({ path: `${path}.default`, message: value.reason });
    if (isEmpty(value))
      return void issues.push({ path: `${path}.default`, message: 'becomes empty after the transforms' });
  }
}

/**
 * Semantic problems in a parsed mapping; empty when it can be compiled and applied. `fields` may
 * hold holes where a field failed the schema (reported there): the others are still checked at
 * their own index, so one pass reports both.
 */
export function validateMapping(
  mapping: Pick<Mapping, 'ignore'> & { fields: ReadonlyArray<FieldMapping | undefined> },
  prefix = '',
): MappingIssue[] {
  const issues: MappingIssue[] = [];
  const targets = new Map<string, number>();
  const mapped = new Map<string, number>();
  mapping.fields.forEach((f, i) => {
    if (!f) return;
    const path = join(prefix, 'fields', i);
    if (derivedOnly.has(f.to)) {
      issues.push({
        path: `${path}.to`,
        message: `${f.to} is derived from the email domain; map email or emailDomain instead`,
      });
    } else if (!canonical.has(f.to) && !customTarget.test(f.to)) {
      issues.push({
        path: `${path}.to`,
        message: `"${f.to}" is not a canonical field (${canonicalFields.join(', ')}) or custom.<name>${didYouMean(f.to, canonicalFields)}`,
      });
    }
    const first = targets.get(f.to);
    if (first !== undefined)
      issues.push({
        path: `${path}.to`,
        message: `${f.to} is already mapped by fields[${first}]; use firstOf for fallbacks`,
      });
    else targets.set(f.to, i);
    for (const name of sourcesOf(f)) if (!mapped.has(name)) mapped.set(name, i);
    const before = issues.length;
    f.transforms.forEach((t, j) => checkTransform(t, join(path, 'transforms', j), issues));
    if (issues.length === before) checkDefault(f, path, issues);
  });
  mapping.ignore.forEach((name, k) => {
    const by = mapped.get(name);
    if (by !== undefined)
      issues.push({
        path: join(prefix, 'ignore', k),
        message: `"${name}" is mapped by fields[${by}]; remove it from ignore`,
      });
  });
  return issues;
}

/** Shape (zod) then semantics, every problem as `{ path, message }` under `prefix`. */
export function parseMapping(
  input: unknown,
  prefix = '',
): { mapping: Mapping; issues: [] } | { mapping?: undefined; issues: MappingIssue[] } {
  const parsed = mappingSchema.safeParse(input);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((i) => ({
        path: join(prefix, ...(i.path as Array<string | number>)),
        message: i.message,
      })),
    };
  }
  const issues = validateMapping(parsed.data, prefix);
  return issues.length ? { issues } : { mapping: parsed.data, issues: [] };
}
