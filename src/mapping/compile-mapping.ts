// A mapping compiles once into a closure per field; applying it to a record is then plain
// property reads and function calls, with no zod parse and no allocation beyond the lead
// and its warnings. The output satisfies leadSchema because every chain ends in the target
// field's own type check (canonical-coercers.ts).
import { isFreeEmailDomain, type Lead } from '../lead/index.js';
import { errors } from '../errors.js';
import { describe, Fail, isEmpty, type Step } from './fail.js';
import { mappedCrmFields, sourcesOf } from './mapped-fields.js';
import type { MappingResult, MappingWarning, SourceRecord } from './mapping-result.js';
import type { FieldMapping, Mapping } from './mapping-schema.js';
import type { TransformOp } from './transform-schema.js';
import { compileTransform } from './transforms.js';
import { coercerFor, validateMapping } from './validate-mapping.js';

export type CompiledMapping = (record: SourceRecord) => MappingResult;

type Fields = Record<string, unknown>;

interface FieldPlan {
  target: string;
  /** Set for custom.<name> targets. */
  customKey: string | undefined;
  read: (fields: Fields) => unknown;
  /** Which CRM field supplied the value, for a warning (only computed on failure). */
  sourceOf: (fields: Fields) => string;
  steps: Step[];
  stepNames: string[];
  fallback: unknown;
  required: boolean;
  sources: string[];
}

const blank = (v: unknown) => isEmpty(v) || (typeof v === 'string' && v.trim() === '');

function reader(f: FieldMapping): Pick<FieldPlan, 'read' | 'sourceOf'> {
  if (f.from !== undefined) {
    const name = f.from;
    return { read: (fields) => fields[name], sourceOf: () => name };
  }
  if (f.firstOf !== undefined) {
    const names = f.firstOf;
    const pick = (fields: Fields) => names.find((n) => !blank(fields[n]));
    return {
      read: (fields) => {
        const n = pick(fields);
        return n === undefined ? undefined : fields[n];
      },
      sourceOf: (fields) => pick(fields) ?? names[0]!,
    };
  }
  if (f.concat !== undefined) {
    const { fields: names, separator } = f.concat;
    const label = names.join('+');
    return {
      read: (fields) => {
        let out = '';
        for (const n of names) {
          const v = fields[n];
          if (blank(v)) continue;
          if (typeof v === 'object') return new Fail(`${n} is ${describe(v)}, not text to join`);
          const part = typeof v === 'string' ? v.trim() : String(v);
          out = out === '' ? part : out + separator + part;
        }
        return out;
      },
      sourceOf: () => label,
    };
  }
  return { read: () => undefined, sourceOf: () => '(default)' };
}

// A chain ending in one of these transforms already yields the target's canonical form
// (date -> ISO UTC, country -> assigned alpha-2, domain -> normalised host), so the target's
// own check would only repeat the work. The leadSchema property test guards this table.
const finalFor: Partial<Record<string, TransformOp>> = {
  createdAt: 'date',
  country: 'country',
  emailDomain: 'domain',
  websiteDomain: 'domain',
};

function plan(f: FieldMapping): FieldPlan {
  const last = f.transforms.at(-1)?.op;
  const full = coercerFor(f.to);
  // Those transforms map a list element by element, so only a string result may skip the check.
  const coerce: Step[] = [
    last !== undefined && finalFor[f.to] === last ? (v: unknown) => (typeof v === 'string' ? v : full(v)) : full,
  ];
  return {
    target: f.to,
    customKey: f.to.startsWith('custom.') ? f.to.slice('custom.'.length) : undefined,
    ...reader(f),
    steps: [...f.transforms.map(compileTransform), ...coerce],
    stepNames: [...f.transforms.map((t) => t.op), ...coerce.map(() => `to ${f.to}`)],
    fallback: f.default,
    required: f.required,
    sources: sourcesOf(f),
  };
}

/** Throws CONFIG_INVALID (with every path) when validateMapping finds a problem. */
export function compileMapping(mapping: Mapping): CompiledMapping {
  const issues = validateMapping(mapping);
  if (issues.length) throw errors.configInvalid(issues);
  const plans = mapping.fields.map(plan);
  const known = new Set([...mappedCrmFields(mapping), ...mapping.ignore]);

  return (record) => {
    const fields = record.fields;
    const warnings: MappingWarning[] = [];
    const custom: Record<string, unknown> = {};
    const lead: Record<string, unknown> = {
      source: { crm: record.ref.crm, objectType: record.ref.objectType, id: record.ref.id },
      custom,
    };

    for (const p of plans) {
      let raw = p.read(fields);
      let value = blank(raw) ? p.fallback : raw;
      if (raw instanceof Fail) {
        warnings.push({
          code: 'TRANSFORM_FAILED',
          field: p.sourceOf(fields),
          target: p.target,
          transform: 'concat',
          raw: p.sources.map((n) => fields[n]),
          message: `${p.sourceOf(fields)} -> ${p.target}: ${raw.reason}`,
        });
        value = raw = undefined;
      }
      for (let i = 0; i < p.steps.length && !isEmpty(value); i++) {
        value = p.steps[i]!(value);
        if (value instanceof Fail) {
          const field = p.sourceOf(fields);
          warnings.push({
            code: 'TRANSFORM_FAILED',
            field,
            target: p.target,
            transform: p.stepNames[i]!,
            raw,
            message: `${field} -> ${p.target}: ${value.reason}`,
          });
          value = undefined;
        }
      }
      if (!isEmpty(value)) {
        if (p.customKey === undefined) lead[p.target] = value;
        else custom[p.customKey] = value;
      } else if (p.required) {
        warnings.push({
          code: 'REQUIRED_MISSING',
          field: p.target,
          from: p.sources,
          message: `${p.target} is required but ${p.sources.length ? `${p.sources.join(', ')} gave no usable value` : 'has no value'}`,
        });
      }
    }

    // The email's domain is filled in when the mapping does not set one, so free-mail detection
    // and account matching work from the email alone.
    if (lead.emailDomain === undefined && typeof lead.email === 'string') {
      // lead.email passed normaliseEmail (no transform can stand in for that check), so its
      // domain is a valid lower-case host already: only the "www." rule is left to apply.
      const domain = lead.email.slice(lead.email.lastIndexOf('@') + 1);
      lead.emailDomain = domain.startsWith('www.') ? domain.slice(4) : domain;
    }
    if (typeof lead.emailDomain === 'string') lead.freeEmail = isFreeEmailDomain(lead.emailDomain);

    for (const name in fields) {
      if (!known.has(name))
        warnings.push({
          code: 'FIELD_UNMAPPED',
          field: name,
          raw: fields[name],
          message: `${name} is not used by the mapping (map it, or list it under ignore)`,
        });
    }
    return { lead: lead as Lead, warnings };
  };
}
