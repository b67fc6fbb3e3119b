import { leadSchema, type Lead, type RecordRef } from '../lead/index.js';
import type { Mapping } from './mapping-schema.js';

export interface MappingWarning {
  code: 'FIELD_UNMAPPED' | 'TRANSFORM_FAILED' | 'REQUIRED_MISSING';
  field: string;
  message: string;
  raw?: unknown;
}

export interface SourceRecord {
  ref: RecordRef;
  fields: Record<string, unknown>;
}

/** Pure: one CRM record -> one canonical lead, with a warning for anything not used or not valid. */
export function applyMapping(record: SourceRecord, mapping: Mapping): { lead: Lead; warnings: MappingWarning[] } {
  const warnings: MappingWarning[] = [];
  const draft: Record<string, unknown> = { source: record.ref, custom: {} };
  const used = new Set<string>();
  for (const m of mapping.fields) {
    used.add(m.from);
    const raw = record.fields[m.from];
    if (raw === undefined || raw === null || raw === '') continue;
    if (m.to.startsWith('custom.')) (draft.custom as Record<string, unknown>)[m.to.slice(7)] = raw;
    else draft[m.to] = raw;
  }
  for (const name of Object.keys(record.fields)) {
    if (!used.has(name)) warnings.push({ code: 'FIELD_UNMAPPED', field: name, message: `field "${name}" is not used by any mapping` });
  }
  const parsed = leadSchema.safeParse(draft);
  if (parsed.success) return { lead: parsed.data, warnings };
  // Drop the invalid values one by one, with a warning naming each, rather than losing the lead.
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0]);
    warnings.push({ code: 'TRANSFORM_FAILED', field: issue.path.join('.'), message: issue.message, raw: draft[key] });
    if (key !== 'source') delete draft[key];
  }
  return { lead: leadSchema.parse(draft), warnings };
}
