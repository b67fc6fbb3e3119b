// Validation against the CRM's real schema: every field a HubSpot mapping reads must be a
// property of the object in the portal. Real HubSpot connector, HubSpot stand-in over HTTP.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createHubSpotConnector } from '../../connectors/hubspot/index.js';
import type { CrmConnector } from '../../src/connector.js';
import { validateConfig } from '../../src/pipeline/config-admin.js';
import { childEnv, spawnCli } from '../support/cli.js';
import { startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import { sqlClient } from '../support/services.js';
import { useTestSystem } from '../support/system.js';

// Every property the sample hubspot/contact mapping reads, except mobilephone and hs_language.
const portalProperties = [
  'email',
  'firstname',
  'lastname',
  'phone',
  'company',
  'website',
  'country',
  'state',
  'city',
  'zip',
  'industry',
  'numemployees',
  'annualrevenue',
  'hs_analytics_source',
  'hubspot_owner_id',
  'createdate',
  'hs_lead_status',
  'hs_object_id',
  'lastmodifieddate',
];
const expectedErrors = [
  {
    path: 'mappings["hubspot/contact"].fields[to=phone].firstOf[1]',
    message: "property 'mobilephone' does not exist in HubSpot contact",
    line: 14,
  },
  {
    path: 'mappings["hubspot/contact"].fields[to=language].from',
    message: "property 'hs_language' does not exist in HubSpot contact",
    line: 42,
  },
];
const editorToken = 'editor-token-0123456789';

let standIn: HubSpotStandIn;
let hubspot: CrmConnector;
let sample: Record<string, any>;

const hubspotConfig = () => ({
  baseUrl: standIn.url,
  auth: { kind: 'private_app' as const, token: 'pat-test-token' },
  clientSecret: 'client-secret-for-tests',
  maxRetries: 0,
});

const sys = useTestSystem(async () => {
  standIn = await startHubSpotStandIn({
    properties: {
      contacts: portalProperties.map((name) => ({ name, label: name, type: 'string', fieldType: 'text' })),
    },
  });
  hubspot = createHubSpotConnector(hubspotConfig());
  sample = parseYaml(await readFile('fixtures/config/sample.yaml', 'utf8'));
  return {
    env: { ADMIN_TOKENS: `editor:${editorToken}` },
    migrate: true,
    connectors: { hubspot },
    after: () => standIn?.close(),
  };
});

describe('the CRM schema check', () => {
  it('names every mapped HubSpot property the portal does not have', async () => {
    const result = await validateConfig({ connectors: { hubspot } }, sample);
    expect(result).toEqual({ ok: false, errors: expectedErrors.map(({ line: _, ...e }) => e) });
    expect(standIn.requests).toContainEqual(
      expect.objectContaining({ method: 'GET', path: '/crm/v3/properties/contacts', status: 200 }),
    );
  });

  it('passes once the portal has them, and skips CRMs with no connector (salesforce here)', async () => {
    const fixed = structuredClone(sample);
    fixed.mappings['hubspot/contact'].fields[3] = { from: 'phone', to: 'phone' };
    fixed.mappings['hubspot/contact'].fields.splice(14, 1);
    expect(await validateConfig({ connectors: { hubspot } }, fixed)).toMatchObject({ ok: true });
  });

  it('refuses to publish through the admin API (422, nothing written) when the portal lacks a property', async () => {
    const sql = await sqlClient(sys.db.url);
    try {
      const res = await sys.app.inject({
        method: 'POST',
        url: '/v1/admin/config/publish',
        headers: { 'x-admin-token': editorToken },
        payload: { message: 'sample', document: sample },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'CONFIG_INVALID',
        errors: expectedErrors.map(({ line: _, ...e }) => e),
      });
      expect(await sql.rows(`select version from config_versions`)).toEqual([{ version: 1 }]);
      const validate = await sys.app.inject({
        method: 'POST',
        url: '/v1/admin/config/validate',
        headers: { 'x-admin-token': editorToken },
        payload: { document: sample },
      });
      expect(validate.json()).toEqual({
        valid: false,
        errors: expectedErrors.map(({ line: _, ...e }) => e),
        warnings: [],
      });
    } finally {
      await sql.end();
    }
  });

  it('makes `config validate` exit 1 with the paths when HUBSPOT_CONFIG points at the portal (no database)', async () => {
    const cli = spawnCli(
      ['config', 'validate', 'fixtures/config/sample.yaml'],
      childEnv({ LOG_LEVEL: 'silent', HUBSPOT_CONFIG: JSON.stringify(hubspotConfig()) }),
    );
    expect(await cli.exited).toBe(1);
    // The line of fixtures/config/sample.yaml that names the missing property.
    for (const e of expectedErrors) expect(cli.output()).toContain(`${e.path} (line ${e.line}): ${e.message}`);
  }, 60_000);
});
