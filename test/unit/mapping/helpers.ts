// Builders for mapping tests. They belong in test/builders/ (STYLE.md); they live here until
// that folder's owner takes them, because this change may only touch mapping and lead paths.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  applyMapping,
  mappingSchema,
  type Mapping,
  type MappingInput,
  type MappingResult,
  type SourceRecord,
} from '../../../src/mapping/index.js';

const root = new URL('../../../fixtures/', import.meta.url);

export const fixtureNames = ['hubspot-contact', 'salesforce-lead', 'salesforce-contact', 'api-lead'] as const;
export type FixtureName = (typeof fixtureNames)[number];

export function loadMapping(name: FixtureName): Mapping {
  return mappingSchema.parse(parse(readFileSync(new URL(`mappings/${name}.yaml`, root), 'utf8')));
}

export function loadRecords(name: FixtureName): SourceRecord[] {
  return JSON.parse(readFileSync(new URL(`records/${name}.json`, root), 'utf8')) as SourceRecord[];
}

export function aMapping(input: MappingInput): Mapping {
  return mappingSchema.parse(input);
}

export function aRecord(fields: Record<string, unknown>, id = 'r1'): SourceRecord {
  return { ref: { crm: 'hubspot', objectType: 'contact', id }, fields };
}

/** Map one raw value through `transforms` into custom.out (or `to`): the value and the warnings. */
export function mapValue(
  raw: unknown,
  transforms: MappingInput['fields'][number]['transforms'],
  to = 'custom.out',
): { value: unknown; result: MappingResult } {
  const result = applyMapping(aRecord({ in: raw }), aMapping({ fields: [{ from: 'in', to, transforms }] }));
  const value = to.startsWith('custom.')
    ? result.lead.custom[to.slice(7)]
    : (result.lead as Record<string, unknown>)[to];
  return { value, result };
}
