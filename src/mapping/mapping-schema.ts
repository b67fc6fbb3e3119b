// A field mapping: how one CRM object type's fields become the canonical lead.
import { z } from 'zod';
import { canonicalFields } from '../lead/index.js';

export const fieldMappingSchema = z.object({
  /** CRM field name, as the CRM spells it. */
  from: z.string().min(1),
  /** Canonical field, or `custom.<name>`. */
  to: z.union([z.enum(canonicalFields as [string, ...string[]]), z.string().regex(/^custom\.[A-Za-z0-9_]+$/)]),
});

export const mappingSchema = z.object({
  fields: z.array(fieldMappingSchema),
});
export type Mapping = z.infer<typeof mappingSchema>;
export type FieldMapping = z.infer<typeof fieldMappingSchema>;
