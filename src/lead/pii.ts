// What of a stored lead is personal data, and its anonymized form (docs/operations.md "Retention"
// and "Erasure"). Anonymizing keeps what decisions and figures are made of (country, industry,
// size, source, score, the email's domain when it is a company's) and drops what names a person:
// the email, names, phone, company, postal code, city, and custom fields (free text we cannot vouch for).
import { createHash } from 'node:crypto';

/** Canonical lead fields that identify a person. `custom` is dropped whole. */
export const personalLeadFields = [
  'email',
  'firstName',
  'lastName',
  'phone',
  'company',
  'postalCode',
  'city',
  'custom',
] as const;

const personal = new Set<string>(personalLeadFields);
const isPersonalField = (field: string) => personal.has(field) || field.startsWith('custom.');

/** The value that replaces a personal value in a decision's trace. */
export const erasedValue = '[erased]';

/** A stored lead's data without its personal fields; a free-mail domain (gmail.com) is kept: it names no one. */
export function anonymizeLeadData(data: unknown): Record<string, unknown> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) if (!personal.has(k)) out[k] = v;
  return out;
}

/**
 * A stored decision with the values it saw of personal fields replaced (its rule checks' `saw`):
 * which rule matched, who got the lead and why stay as they were, so decisions stay countable.
 */
export function anonymizeDecision(decision: unknown): unknown {
  if (!decision || typeof decision !== 'object') return decision;
  const d = decision as { trace?: { rules?: Array<{ checks?: Array<{ field?: unknown; saw?: unknown }> }> } };
  const rules = d.trace?.rules;
  if (!Array.isArray(rules)) return decision;
  return {
    ...d,
    trace: {
      ...d.trace,
      rules: rules.map((r) =>
        Array.isArray(r.checks)
          ? {
              ...r,
              checks: r.checks.map((c) =>
                typeof c.field === 'string' && isPersonalField(c.field) && c.saw !== undefined
                  ? { ...c, saw: erasedValue }
                  : c,
              ),
            }
          : r,
      ),
    },
  };
}

/** The trimmed, lowercased email as it is looked up (leads_email_idx) and audited. */
export const normaliseErasureEmail = (email: string) => email.trim().toLowerCase();

/** What the erasure audit keeps of the email: its SHA-256, hex. */
export const emailSha256 = (email: string) => createHash('sha256').update(normaliseErasureEmail(email)).digest('hex');
