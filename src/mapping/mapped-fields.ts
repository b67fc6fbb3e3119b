import type { FieldMapping, Mapping } from './mapping-schema.js';

/** The CRM fields one field mapping reads, in the order it reads them. */
export function sourcesOf(field: FieldMapping): string[] {
  if (field.from !== undefined) return [field.from];
  if (field.firstOf !== undefined) return field.firstOf;
  if (field.concat !== undefined) return field.concat.fields;
  return [];
}

/** The CRM fields a connector must fetch for this mapping, each once, in mapping order. */
export function mappedCrmFields(mapping: Mapping): string[] {
  return [...new Set(mapping.fields.flatMap(sourcesOf))];
}
