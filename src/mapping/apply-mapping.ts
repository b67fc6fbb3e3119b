import { compileMapping, type CompiledMapping } from './compile-mapping.js';
import type { MappingResult, SourceRecord } from './mapping-result.js';
import type { Mapping } from './mapping-schema.js';

// Keyed by the mapping object itself: a config version's mappings are immutable once loaded,
// and a dropped version releases its compiled form with it.
const compiled = new WeakMap<Mapping, CompiledMapping>();

/**
 * Pure: one CRM record -> one canonical lead, with a warning for anything not used or not
 * valid. Compiles the mapping on first use (throws CONFIG_INVALID if it cannot be compiled).
 */
export function applyMapping(record: SourceRecord, mapping: Mapping): MappingResult {
  let fn = compiled.get(mapping);
  if (fn === undefined) {
    fn = compileMapping(mapping);
    compiled.set(mapping, fn);
  }
  return fn(record);
}
