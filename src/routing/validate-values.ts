// Values in rule conditions checked against the canonical field's format, so a rule that can
// never match is refused at publish instead of routing nothing for weeks: `country in [UK]`
// (the lead holds ISO 3166 codes: GB), `emailDomain eq "@acme.com"` (the lead holds "acme.com"),
// `employeeCount eq "500+"` (a number never equals that). Custom fields have no declared
// format, so they are not checked.
import { domainOf, normaliseDomain, normaliseEmail, toCountryCode, isCountryCode } from '../lead/index.js';
import type { LeafCondition } from './condition-schema.js';
/** Same shape as validate-rules' ConfigIssue (not imported from there: that file imports this one). */
type ConfigIssue = { path: string; message: string };

const numberFields = new Set(['employeeCount', 'annualRevenue', 'score', 'account.confidence']);
const domainFields = new Set(['emailDomain', 'websiteDomain']);
const booleanFields = new Set(['freeEmail', 'account.matched']);
const numericOps = new Set(['gt', 'gte', 'lt', 'lte', 'between']);
// Operators whose value must equal a whole field value (so it must be in the field's format).
const wholeValueOps = new Set(['eq', 'neq', 'in', 'not_in']);

// Codes people write that ISO 3166-1 does not have; the EU uses UK and EL for GB and GR.
const notIsoCodes: Record<string, string> = { UK: 'GB', EL: 'GR' };

function countryProblem(value: string): string | undefined {
  if (isCountryCode(value.trim().toUpperCase())) return undefined;
  const guess = notIsoCodes[value.trim().toUpperCase()] ?? toCountryCode(value);
  return `"${value}" is not an ISO 3166 country code${guess ? `; did you mean ${guess}?` : ' (two letters, e.g. DE, GB, US)'}`;
}

function domainProblem(field: string, value: string): string | undefined {
  if (normaliseDomain(value) === value.trim().toLowerCase()) return undefined;
  // "@acme.com", "*.acme.com", "jo@acme.com", "https://www.acme.com/" all mean acme.com.
  const guess = normaliseDomain(value.replace(/^[@.*]+/, '')) ?? domainOf(value);
  return `"${value}" is not a domain (${field} holds e.g. "acme.com")${guess ? `; did you mean "${guess}"?` : ''}`;
}

function valueProblem(field: string, value: string | number | boolean): string | undefined {
  if (numberFields.has(field))
    return typeof value === 'number'
      ? undefined
      : `${field} is a number; compare it with a number (${JSON.stringify(value)} is ${typeof value})`;
  if (booleanFields.has(field))
    return typeof value === 'boolean'
      ? undefined
      : `${field} is true or false; ${JSON.stringify(value)} never equals it`;
  if (typeof value !== 'string') return undefined;
  if (field === 'country' || field === 'account.country') return countryProblem(value);
  if (domainFields.has(field)) return domainProblem(field, value);
  if (field === 'email' && !normaliseEmail(value))
    return `"${value}" is not an email address; to match a domain test emailDomain`;
  return undefined;
}

// Fields that hold a list; a field whose type we do not know (custom, account.custom) may.
const listFields = new Set(['productInterest', 'account.domains']);
const untyped = (field: string) => field.startsWith('custom.') || field.startsWith('account.custom.');
const listOps = new Set(['all_in', 'none_in']);

/** Problems with a leaf's value for its field, each at the value's path. */
export function checkLeafValue(c: LeafCondition, path: string, out: ConfigIssue[]): void {
  if (c.field === 'account' && c.op !== 'exists' && c.op !== 'empty') {
    out.push({
      path: `${path}.op`,
      message: `account alone only takes exists or empty (is there a matched account) or account.matched eq true/false; test its fields as account.id, account.name, account.owner, account.industry, account.tier, account.country`,
    });
    return;
  }
  if (listOps.has(c.op) && !listFields.has(c.field) && !untyped(c.field)) {
    out.push({
      path: `${path}.op`,
      message: `${c.op} tests list fields (${[...listFields].join(', ')}, custom.<name>); ${c.field} holds one value: use ${c.op === 'all_in' ? 'eq' : 'not_in'}`,
    });
    return;
  }
  if (numericOps.has(c.op) && !numberFields.has(c.field) && !untyped(c.field)) {
    out.push({
      path: `${path}.op`,
      message: `${c.op} compares numbers, and ${c.field} is not a number field (${[...numberFields].filter((f) => !f.startsWith('account.')).join(', ')} are)`,
    });
    return;
  }
  if (!wholeValueOps.has(c.op) || !('value' in c)) return;
  const values = Array.isArray(c.value) ? c.value : [c.value];
  values.forEach((v, i) => {
    const problem = valueProblem(c.field, v as string | number | boolean);
    if (problem) out.push({ path: Array.isArray(c.value) ? `${path}.value[${i}]` : `${path}.value`, message: problem });
  });
}
