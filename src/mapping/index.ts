export { applyMapping } from './apply-mapping.js';
export { compileMapping, type CompiledMapping } from './compile-mapping.js';
export type { MappingResult, MappingWarning, MappingWarningCode, SourceRecord } from './mapping-result.js';
export { mappedCrmFields } from './mapped-fields.js';
export { ownerWriteFields } from './owner-write-fields.js';
export {
  fieldMappingSchema,
  mappingKeyOf,
  mappingKeySchema,
  mappingSchema,
  mappingSetSchema,
  type FieldMapping,
  type Mapping,
  type MappingInput,
  type MappingSet,
} from './mapping-schema.js';
export { transformSchema, type TransformInput, type TransformOp, type TransformSpec } from './transform-schema.js';
export { parseMapping, validateMapping, type MappingIssue } from './validate-mapping.js';
