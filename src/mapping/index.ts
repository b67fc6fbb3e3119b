export { applyMapping, type MappingWarning, type SourceRecord } from './apply-mapping.js';
export { mappingSchema, fieldMappingSchema, type Mapping, type FieldMapping } from './mapping-schema.js';
