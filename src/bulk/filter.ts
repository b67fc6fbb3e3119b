// The reroute filter (`lead-router reroute --where '...'`, docs/bulk.md). Pure: text in, a slice
// description out, or BULK_FILTER_INVALID quoting the bad part and its column. The grammar is
// small on purpose, so an admin can read a filter back and know exactly which leads it takes:
//
//   filter := clause ( "and" clause )*
//   clause := field op value ( "," value )*     a list: any of (=), none of (!=)
//   field  := owner | pool | rule | crm | age
//   op     := "=" | "!="                          owner, pool, rule, crm
//           | "<" | "<=" | ">" | ">="             age only
//   value  := a rep, pool or rule id, a CRM name, "none" (no owner / pool / rule),
//             or for age a duration: <n>m | <n>h | <n>d | <n>w
//
// owner is the lead's rep now; pool and rule are those of its latest routing decision that
// assigned it; age runs from when the lead was first stored.
import { errors } from '../errors.js';

export const filterFields = ['owner', 'pool', 'rule', 'crm', 'age'] as const;
export type FilterField = (typeof filterFields)[number];

type ListField = Exclude<FilterField, 'age'>;

/** `values` null = none (no owner, no pool, no rule). */
export interface ListCondition {
  field: ListField;
  negate: boolean;
  values: Array<string | null>;
}

export interface AgeCondition {
  field: 'age';
  op: '<' | '<=' | '>' | '>=';
  ms: number;
}

export type FilterCondition = ListCondition | AgeCondition;

/** Every condition must hold. An empty list takes every open lead. */
export interface LeadFilter {
  conditions: FilterCondition[];
}

const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const crms = ['hubspot', 'salesforce', 'api'];
const clause = /^\s*([A-Za-z_]\w*)\s*(!=|<=|>=|=|<|>)\s*(.*?)\s*$/s;
const word = /^[A-Za-z0-9_.:@-]+$/;

const grammarHint = `fields: ${filterFields.join(', ')}; operators: = != (lists: a,b) and < <= > >= (age, e.g. age>7d)`;

/** Parses a filter; throws BULK_FILTER_INVALID naming the bad part and its 1-based column. */
export function parseLeadFilter(text: string): LeadFilter {
  const conditions: FilterCondition[] = [];
  if (text.trim() === '') return { conditions };
  // Split on the word "and" (any case), keeping each part's column for the message.
  const parts: Array<{ text: string; column: number }> = [];
  const sep = /\s+and(?:\s+|$)/gi;
  let start = 0;
  for (let m = sep.exec(text); m; m = sep.exec(text)) {
    parts.push({ text: text.slice(start, m.index), column: start + 1 });
    start = m.index + m[0].length;
  }
  parts.push({ text: text.slice(start), column: start + 1 });
  for (const part of parts) conditions.push(parseClause(part.text, part.column + leading(part.text)));
  return { conditions };
}

const leading = (s: string) => s.length - s.trimStart().length;

function parseClause(raw: string, column: number): FilterCondition {
  const shown = raw.trim();
  const fail = (why: string): never => {
    throw errors.bulkFilterInvalid(`"${shown}" at column ${column}: ${why} (${grammarHint})`);
  };
  if (shown === '') fail('empty condition (two "and" in a row, or one at an end)');
  const m = clause.exec(raw);
  if (!m) return fail('expected <field> <operator> <value>');
  const [, name, op, value] = m as unknown as [string, string, string, string];
  const field = name.toLowerCase();
  if (!(filterFields as readonly string[]).includes(field)) return fail(`unknown field "${name}"`);
  if (value === '') return fail(`no value after "${op}"`);
  if (field === 'age') {
    if (op === '=' || op === '!=') return fail('age compares with < <= > >= (age>7d: stored more than 7 days ago)');
    const d = /^(\d+)\s*([mhdw])$/.exec(value);
    if (!d) return fail(`"${value}" is not a duration: <n>m, <n>h, <n>d or <n>w`);
    return { field: 'age', op: op as AgeCondition['op'], ms: Number(d[1]) * unitMs[d[2] as keyof typeof unitMs] };
  }
  if (op !== '=' && op !== '!=') return fail(`${field} compares with = or != (${op} is for age)`);
  const values = value.split(',').map((v) => v.trim());
  const bad = values.find((v) => !word.test(v));
  if (bad !== undefined) return fail(bad === '' ? 'an empty value in the list' : `"${bad}" is not an id`);
  if (field === 'crm') {
    const unknown = values.find((v) => !crms.includes(v));
    if (unknown) return fail(`unknown CRM "${unknown}" (${crms.join(', ')})`);
  }
  return {
    field: field as ListField,
    negate: op === '!=',
    values: values.map((v) => (field !== 'crm' && v === 'none' ? null : v)),
  };
}

/** The filter spelled back in the grammar (job params, the CLI's plan header). */
export function formatLeadFilter(f: LeadFilter): string {
  return f.conditions
    .map((c) =>
      c.field === 'age'
        ? `age${c.op}${formatDuration(c.ms)}`
        : `${c.field}${c.negate ? '!=' : '='}${c.values.map((v) => v ?? 'none').join(',')}`,
    )
    .join(' and ');
}

function formatDuration(ms: number): string {
  for (const [u, n] of Object.entries(unitMs).reverse()) if (ms % n === 0) return `${ms / n}${u}`;
  return `${ms / 60_000}m`;
}
