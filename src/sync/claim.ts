// Has the rep claimed the lead? The pool's sla.claimedWhen names CRM field changes that mean
// "someone is working it" (lead status moved off New, a first call logged). Any one suffices.
// Only fields the change carries count: an event that does not mention a field says nothing
// about it. Field names match case-insensitively (Salesforce API names are case-insensitive;
// HubSpot's are lower case); values are compared trimmed and case-insensitively, and a blank
// value never claims (a cleared status is not work). An explicit claim (POST /v1/leads/:id/claim)
// does not go through here: it always claims.
import type { ClaimCondition, Sla } from '../routing/index.js';

/** A CRM field change: an InboundEvent of kind 'updated' is one (changedFields, fields). */
export interface FieldChange {
  fields?: Record<string, unknown>;
  changedFields?: readonly string[];
  /** Values before the change, when the caller knows them (CRM webhooks usually do not carry them). */
  previous?: Record<string, unknown>;
}

const norm = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim().toLowerCase());

function lookup(values: Record<string, unknown> | undefined, field: string): { present: boolean; value: unknown } {
  if (!values) return { present: false, value: undefined };
  const want = field.toLowerCase();
  for (const [k, v] of Object.entries(values)) if (k.toLowerCase() === want) return { present: true, value: v };
  return { present: false, value: undefined };
}

function holds(c: ClaimCondition, change: FieldChange): boolean {
  // A field named in changedFields without its value cannot be judged; the caller fetches it.
  const now = lookup(change.fields, c.field);
  const value = norm(now.value);
  if (!now.present || value === '') return false;
  if ('notIn' in c) return !c.notIn.some((v) => norm(v) === value);
  if ('in' in c) return c.in.some((v) => norm(v) === value);
  // changedFrom: the field left that value. Without the previous value, the SLA's premise stands
  // in for it: a lead under an SLA still had the value it is waiting to leave.
  const before = lookup(change.previous, c.field);
  return value !== norm(c.changedFrom) && (!before.present || norm(before.value) === norm(c.changedFrom));
}

export function isClaimed(change: FieldChange, sla: Pick<Sla, 'claimedWhen'>): boolean {
  return sla.claimedWhen.some((c) => holds(c, change));
}
