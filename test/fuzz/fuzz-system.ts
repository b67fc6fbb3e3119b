// The real service for the fuzz tests: real Postgres and Redis, the real fastify app driven by
// app.inject, HubSpot and Salesforce connectors pointed at the local stand-ins (so config
// validation's CRM schema check answers), admin tokens of both roles.
//
// "Never a write on a 4xx" is checked two ways: every intake write goes through ingest, which
// counts stored and refused events in inbound_events_total, so a per-case read of that counter
// (in process, cheap) shows a 4xx that stored something, and per batch the rows added to
// inbound_events must equal what ingest counted; every other table's fingerprint (row count and
// newest row version) is read after each admin write case (a 4xx must leave it unchanged) and
// at the end of each batch (nothing else may have changed it).
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parse as parseYaml } from 'yaml';
import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { hubspotV3Signature, startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspot-standin.js';
import {
  SF_ACCESS_TOKEN,
  SF_ORG_ID,
  SF_OUTBOUND_TOKEN,
  standinSalesforceConfig,
} from '../support/salesforce-outbound.js';
import { startSalesforceStandin, type SalesforceStandin } from '../support/salesforce-standin.js';
import { createTestDatabase, sqlClient, type TestDatabase } from '../support/services.js';
import { cleanupQueue, startSystem, testApiKey, testEnv, type TestSystem } from '../support/system.js';

export const viewerToken = 'fuzz-viewer-token-0123456789';
export const editorToken = 'fuzz-editor-token-0123456789';
export const hubspotSecret = 'fuzz-hubspot-client-secret-01';
export const publicBaseUrl = 'https://router.test';
export { testApiKey, SF_ORG_ID, SF_OUTBOUND_TOKEN };

/** The config the service starts with: api/lead, hubspot/contact and salesforce/Lead mappings. */
export const baseDocument = (): Record<string, unknown> => {
  const doc = parseYaml(readFileSync('fixtures/config/hubspot-e2e.yaml', 'utf8')) as {
    mappings: Record<string, unknown>;
    routing: unknown;
  };
  const sf = parseYaml(readFileSync('fixtures/config/salesforce-e2e.yaml', 'utf8')) as {
    mappings: Record<string, unknown>;
  };
  return { ...doc, mappings: { ...doc.mappings, 'salesforce/Lead': sf.mappings['salesforce/Lead'] } };
};

/** One request. `writes` says what it may change on a 2xx: intake rows, admin/config rows, or nothing. */
export interface FuzzCase {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD';
  url: string;
  headers: Record<string, string>;
  payload?: string;
  writes: 'intake' | 'admin' | 'none';
}

export interface FuzzSystem {
  sys: TestSystem;
  /** Runs one batch of cases, asserting 2xx/4xx only and no write on a 4xx; returns the statuses. */
  runBatch(cases: FuzzCase[]): Promise<number[]>;
  sql: Awaited<ReturnType<typeof sqlClient>>;
  close(): Promise<void>;
}

export async function startFuzzSystem(): Promise<FuzzSystem> {
  const tdb: TestDatabase = await createTestDatabase();
  const hubspot: HubSpotStandIn = await startHubSpotStandIn({
    tokens: ['pat-fuzz-0001'],
    owners: [{ id: '101' }, { id: '102' }, { id: '103' }],
  });
  const rest: SalesforceStandin = await startSalesforceStandin({
    accessToken: SF_ACCESS_TOKEN,
    organizationId: SF_ORG_ID,
  });
  const configFile = `${tmpdir()}/lead-router-fuzz-${randomBytes(4).toString('hex')}.json`;
  writeFileSync(configFile, JSON.stringify(baseDocument()));
  const env = testEnv(tdb.url, {
    HUBSPOT_CONFIG: JSON.stringify({
      baseUrl: hubspot.url,
      auth: { kind: 'private_app', token: 'pat-fuzz-0001' },
      clientSecret: hubspotSecret,
    }),
    SALESFORCE_CONFIG: standinSalesforceConfig(rest.url),
    PUBLIC_BASE_URL: publicBaseUrl,
    ADMIN_TOKENS: `viewer:${viewerToken},editor:${editorToken}`,
    CONFIG_FILE: configFile,
  });
  const sys = await startSystem(env, { migrate: true });
  const sql = await sqlClient(tdb.url);
  const tables = (
    await sql.rows<{ t: string }>(
      `select table_name t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    )
  ).map((r) => r.t);
  expect(tables).toContain('inbound_events');
  // Intake stores CRM events, and account/contact changes from the CRM's webhooks beside them.
  const intakeTables = ['inbound_events', 'crm_account_changes'];
  const others = tables.filter((t) => !intakeTables.includes(t));
  // Row count and newest row version (xmin) per table: an insert, update or delete changes one
  // of them, and reading them costs no row-to-text conversion.
  const fingerprintSql = `select (select count(*)::int from inbound_events) events,
    (select count(*) || ':' || coalesce(max(xmin::text::bigint), 0) from crm_account_changes) changes, concat_ws(' ', ${others
      .map((t) => `(select '${t}:' || count(*) || ':' || coalesce(max(xmin::text::bigint), 0) from "${t}")`)
      .join(', ')}) others`;
  const fingerprint = async () =>
    (await sql.rows<{ events: number; changes: string; others: string }>(fingerprintSql))[0]!;

  const metric = sys.rt.deps.metrics.eventsReceived;
  const intakeWrites = async () =>
    (await metric.get()).values
      .filter((v) => v.labels.outcome === 'stored' || v.labels.outcome === 'refused')
      .reduce((n, v) => n + v.value, 0);

  async function runBatch(cases: FuzzCase[]): Promise<number[]> {
    const before = await fingerprint();
    const writesBefore = await intakeWrites();
    // The other tables as the last admin write left them: a 4xx must leave them so.
    let others = before.others;
    const statuses: number[] = [];
    for (const c of cases) {
      const counted = await intakeWrites();
      const changes = c.writes === 'intake' ? (await fingerprint()).changes : undefined;
      const res = await sys.app.inject({
        method: c.method,
        url: c.url,
        headers: c.headers,
        ...(c.payload !== undefined && { payload: c.payload }),
      } as InjectOptions);
      const status = res.statusCode;
      statuses.push(status);
      const what = () =>
        `${c.name}: ${c.method} ${JSON.stringify(c.url)} headers=${JSON.stringify(c.headers)} payload=${JSON.stringify(c.payload?.slice(0, 2000))} -> ${status} ${res.body.slice(0, 500)}`;
      if (!((status >= 200 && status < 300) || (status >= 400 && status < 500)))
        throw new Error(`not 2xx/4xx: ${what()}`);
      if (status >= 400 && (await intakeWrites()) !== counted)
        throw new Error(`a ${status} stored intake events: ${what()}`);
      if (status >= 400 && changes !== undefined && (await fingerprint()).changes !== changes)
        throw new Error(`a ${status} stored account changes: ${what()}`);
      if (status >= 400 && !answeredInOurShape(res.headers['content-type'], res.body, status))
        throw new Error(`a ${status} not in our error shape: ${what()}`);
      if (c.writes === 'admin') {
        const now = (await fingerprint()).others;
        if (status >= 400 && now !== others)
          throw new Error(`a ${status} changed tables (${others} -> ${now}): ${what()}`);
        others = now;
      }
    }
    const after = await fingerprint();
    // Every new inbound_events row was counted by ingest (and none of them came from a 4xx, above).
    if (after.events - before.events !== (await intakeWrites()) - writesBefore) {
      throw new Error(
        `inbound_events grew by ${after.events - before.events} but ingest counted ${(await intakeWrites()) - writesBefore}`,
      );
    }
    // Nothing but a 2xx admin write changed any other table.
    if (after.others !== others)
      throw new Error(`tables changed outside a 2xx admin write: ${others} -> ${after.others}`);
    return statuses;
  }

  return {
    sys,
    sql,
    runBatch,
    async close() {
      await sys.close();
      await cleanupQueue(sys.rt.env);
      await sql.end();
      await hubspot.close();
      await rest.close();
      await tdb.drop();
      rmSync(configFile, { force: true });
    },
  };
}

const catalogue = new Set(
  [...readFileSync('docs/errors.md', 'utf8').matchAll(/^\| `([A-Z_]+)` \| (\d{3}) /gm)].map((m) => m[1]!),
);

/** A refusal is `{ code, message }` with a catalogue code (docs/errors.md), or a SOAP Client fault; a HEAD has no body. */
function answeredInOurShape(contentType: unknown, body: string, status: number): boolean {
  if (body === '') return true;
  if (String(contentType).startsWith('text/xml')) return body.includes('<faultcode>soapenv:Client</faultcode>');
  try {
    const b = JSON.parse(body) as { code?: unknown; message?: unknown };
    return typeof b.code === 'string' && catalogue.has(b.code) && typeof b.message === 'string' && status >= 400;
  } catch {
    return false;
  }
}

/** Headers of a HubSpot v3-signed POST of `body` to /webhooks/hubspot, as HubSpot signs it. */
export function hubspotSigned(body: string, ageMs = 0, secret = hubspotSecret): Record<string, string> {
  const timestamp = String(Date.now() - ageMs);
  return {
    'content-type': 'application/json',
    'x-hubspot-request-timestamp': timestamp,
    'x-hubspot-signature-v3': hubspotV3Signature(secret, 'POST', `${publicBaseUrl}/webhooks/hubspot`, body, timestamp),
  };
}
