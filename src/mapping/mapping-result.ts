import type { Lead, RecordRef } from '../lead/index.js';

/** One CRM record as a connector fetched it: its reference and its raw field values. */
export interface SourceRecord {
  ref: RecordRef;
  fields: Record<string, unknown>;
}

/**
 * Something the mapping could not use. The lead is still produced: a warning never stops
 * routing, it tells the admin which field to look at.
 *  - FIELD_UNMAPPED: `field` is a CRM field the record carries that no mapping uses or ignores.
 *  - TRANSFORM_FAILED: `field` is the CRM field whose value (`raw`) failed `transform` on its way
 *    to `target`; the target is left out of the lead.
 *  - REQUIRED_MISSING: `field` is the canonical field (or custom.x) marked required that the lead lacks;
 *    `from` lists the CRM fields it is mapped from.
 */
export type MappingWarning =
  | { code: 'FIELD_UNMAPPED'; field: string; message: string; raw: unknown }
  | { code: 'TRANSFORM_FAILED'; field: string; target: string; transform: string; message: string; raw: unknown }
  | { code: 'REQUIRED_MISSING'; field: string; from: string[]; message: string };

export type MappingWarningCode = MappingWarning['code'];

export interface MappingResult {
  lead: Lead;
  warnings: MappingWarning[];
}
