// The last step of every chain: the canonical field's own type. It guarantees that whatever the
// admin's transforms produced, the lead satisfies leadSchema without a zod parse per record
// (a unit test holds the two in step). A value of the wrong type is a Fail, never a guess.
import { isCountryCode, normaliseDomain, normaliseEmail, type CanonicalField } from '../lead/index.js';
import { describe, Fail, type Step } from './fail.js';
import { parseDate, parseNumber } from './value-parsers.js';

function text(v: unknown): unknown {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return new Fail(`${describe(v)} is not text`);
}

const lowerText: Step = (v) => {
  const t = text(v);
  return typeof t === 'string' ? t.toLowerCase() : t;
};

const email: Step = (v) => {
  if (typeof v !== 'string') return new Fail(`${describe(v)} is not an email address`);
  return normaliseEmail(v) ?? new Fail(`${describe(v)} is not an email address`);
};

const domain: Step = (v) => {
  if (typeof v !== 'string') return new Fail(`${describe(v)} is not a domain`);
  return (
    normaliseDomain(v) ??
    new Fail(`${describe(v)} is not a domain (add the domain transform to take it from a URL or email)`)
  );
};

const country: Step = (v) => {
  const code = typeof v === 'string' ? v.trim().toUpperCase() : '';
  return isCountryCode(code)
    ? code
    : new Fail(`${describe(v)} is not an ISO 3166-1 alpha-2 code (add the country transform)`);
};

const number =
  (min: number): Step =>
  (v) => {
    const n = parseNumber(v);
    if (n instanceof Fail || n >= min) return n;
    return new Fail(`${describe(v)} is below ${min}`);
  };

const bool: Step = (v) =>
  typeof v === 'boolean' ? v : new Fail(`${describe(v)} is not true or false (add the boolean transform)`);

const date: Step = (v) => parseDate(v);

// HubSpot multi-checkbox and Salesforce multi-picklist values both arrive as "a;b;c".
const list: Step = (v) => {
  const items = typeof v === 'string' ? v.split(';') : Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of items) {
    const t = text(item);
    if (t instanceof Fail) return t;
    if (typeof t === 'string') out.push(t);
  }
  return out.length ? out : undefined;
};

export const canonicalCoercers: Record<CanonicalField, Step> = {
  email,
  firstName: text,
  lastName: text,
  phone: text,
  company: text,
  emailDomain: domain,
  websiteDomain: domain,
  freeEmail: bool,
  country,
  region: text,
  postalCode: text,
  city: text,
  industry: text,
  employeeCount: number(0),
  annualRevenue: number(0),
  leadSource: text,
  campaign: text,
  productInterest: list,
  score: number(-Infinity),
  priority: text,
  language: lowerText,
  createdAt: date,
  currentOwnerId: text,
};

/** custom.* holds what leadSchema's CustomValue allows: text, finite numbers, booleans, text lists. */
export const coerceCustom: Step = (v) => {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : new Fail(`${describe(v)} is not a finite number`);
  if (v instanceof Date) return parseDate(v);
  if (Array.isArray(v)) return list(v);
  return new Fail(`${describe(v)} is not text, a number, a boolean or a list of text`);
};
