// Throughput of the compiled field mapping on one core: the sample HubSpot contact mapping
// over the sample records (valid, free-mail and broken ones alike, so warnings are paid for).
// Prints one JSON object. Usage: node --import tsx bench/mapping.ts [records] [mapping-name]
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { compileMapping, mappingSchema, type SourceRecord } from '../src/mapping/index.js';

const records = Number(process.argv[2] ?? 1_000_000);
const name = process.argv[3] ?? 'hubspot-contact';
const root = new URL('../fixtures/', import.meta.url);
const mapping = mappingSchema.parse(parse(readFileSync(new URL(`mappings/${name}.yaml`, root), 'utf8')));
const samples = JSON.parse(readFileSync(new URL(`records/${name}.json`, root), 'utf8')) as SourceRecord[];

// Distinct records (own ids and emails) so nothing downstream could short-cut on identity.
const input: SourceRecord[] = Array.from({ length: 10_000 }, (_, i) => {
  const s = samples[i % samples.length]!;
  const email = typeof s.fields.email === 'string' ? s.fields.email.replace('@', `+${i}@`) : s.fields.email;
  return { ref: { ...s.ref, id: `${s.ref.id}-${i}` }, fields: { ...s.fields, email } };
});

const apply = compileMapping(mapping);
let warnings = 0;
const run = (n: number) => {
  for (let i = 0; i < n; i++) warnings += apply(input[i % input.length]!).warnings.length;
};

run(200_000); // warm-up: let the JIT settle before timing
warnings = 0;
const start = process.hrtime.bigint();
run(records);
const ms = Number(process.hrtime.bigint() - start) / 1e6;

console.log(
  JSON.stringify({
    bench: 'mapping',
    mapping: name,
    fields: mapping.fields.length,
    records,
    ms: Math.round(ms * 10) / 10,
    records_per_s: Math.round(records / (ms / 1000)),
    warnings_per_record: Math.round((warnings / records) * 100) / 100,
    node: process.version,
  }),
);
