import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfigDocument } from '../../../src/config/index.js';
import { diffConfig } from '../../../src/config/diff.js';

const read = async (path: string) =>
  parseYaml(await readFile(new URL(`../../../${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('fixtures/config/sample.yaml', () => {
  it('validates: four mappings, 10 reps, 3 pools, 12 rules', async () => {
    const parsed = parseConfigDocument(await read('fixtures/config/sample.yaml'));
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
    if (!parsed.ok) return;
    expect(Object.keys(parsed.doc.mappings)).toEqual([
      'hubspot/contact',
      'salesforce/Lead',
      'salesforce/Contact',
      'api/lead',
    ]);
    expect([parsed.doc.routing.reps.length, parsed.doc.routing.pools.length, parsed.doc.routing.rules.length]).toEqual([
      10, 3, 12,
    ]);
  });

  it('is made of the per-part fixtures, unchanged', async () => {
    const sample = await read('fixtures/config/sample.yaml');
    expect(sample.routing).toEqual(await read('fixtures/routing/sample.yaml'));
    const mappings = sample.mappings as Record<string, unknown>;
    expect(mappings['hubspot/contact']).toEqual(await read('fixtures/mappings/hubspot-contact.yaml'));
    expect(mappings['salesforce/Lead']).toEqual(await read('fixtures/mappings/salesforce-lead.yaml'));
    expect(mappings['salesforce/Contact']).toEqual(await read('fixtures/mappings/salesforce-contact.yaml'));
    expect(mappings['api/lead']).toEqual(await read('fixtures/mappings/api-lead.yaml'));
  });

  it('round-trips: the stored (normalised, JSON) form validates again to the same document', async () => {
    for (const file of ['fixtures/config/sample.yaml', 'fixtures/config/default.yaml']) {
      const first = parseConfigDocument(await read(file));
      if (!first.ok) throw new Error(`${file} does not validate`);
      const stored = JSON.parse(JSON.stringify(first.doc));
      const again = parseConfigDocument(stored);
      expect(again.ok).toBe(true);
      if (again.ok) expect(diffConfig(stored, JSON.parse(JSON.stringify(again.doc)))).toEqual([]);
    }
  });
});
