// Shared by the sync-*.test.ts files (which start their nodes with test/support/system.ts's
// startSystem, on a settable clock when they need one): a CRM connector that accepts every
// owner write and remembers it, and CRM event builders.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CrmConnector, InboundEvent, OwnerWrite } from '../../src/connector.js';
import { ingestCrmEvents } from '../../src/pipeline/index.js';
import type { PipelineDeps } from '../../src/pipeline/index.js';
import type { SqlClient } from '../support/system.js';
import { until } from '../support/until.js';
export { startSystem, type Clock, type TestSystem } from '../support/system.js';

export const viewerToken = 'viewer-token-0123456789';
export const editorToken = 'editor-token-0123456789';
export const appId = '777';

/** HUBSPOT_CONFIG for the runtime: only its appId matters here (the connector itself is the stand-in below). */
export const hubspotConfigEnv = JSON.stringify({
  auth: { kind: 'private_app', token: 'pat-test-0000' },
  clientSecret: 'client-secret-test',
  appId,
});

export function writeConfigFile(doc: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'lr-sync-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

export const contactMapping = {
  fields: [
    { from: 'email', to: 'email' },
    { from: 'country', to: 'country' },
    { from: 'employeeCount', to: 'employeeCount' },
  ],
};

/** Both rules send every lead to pool "inbound"; an enterprise lead (1,000+ employees) keeps our owner (router_wins, at most 2 reverts). */
export const conflictRules = [
  {
    id: 'enterprise',
    when: { field: 'employeeCount', op: 'gte', value: 1000 },
    action: { pool: 'inbound' },
    conflictPolicy: { policy: 'router_wins', maxReverts: 2 },
  },
  { id: 'everyone', when: { match: 'always' }, action: { pool: 'inbound' } },
];

export function fakeHubSpot(): CrmConnector & { writes: OwnerWrite[] } {
  const writes: OwnerWrite[] = [];
  return {
    name: 'hubspot',
    writes,
    verifyRequest() {},
    parseEvents: () => [],
    fetchRecords: async () => [],
    writeOwners: async (w) => {
      writes.push(...w);
      return w.map((x) => ({ writeId: x.writeId, ok: true as const }));
    },
    listOwners: async () => [],
    describeFields: async () => [],
  };
}

let seq = 0;
const nextId = () => `${Date.now()}${String(++seq).padStart(4, '0')}`;

export function created(recordId: string, fields: Record<string, unknown>, occurredAt = new Date()): InboundEvent {
  return {
    kind: 'created',
    sourceEventId: `c-${nextId()}`,
    record: { crm: 'hubspot', objectType: 'contact', id: recordId },
    occurredAt: occurredAt.toISOString(),
    fields: { email: `${recordId}@acme.example`, country: 'US', employeeCount: 10, ...fields },
  };
}

/** A HubSpot propertyChange on hubspot_owner_id as the connector parses it: a person in the UI, or our app. */
export function ownerChanged(
  recordId: string,
  newOwnerId: string | null,
  opts: { at: Date; by?: 'app' | string; eventId?: string },
): InboundEvent {
  const by = opts.by ?? 'user:9001';
  const origin =
    by === 'app'
      ? { changedBy: appId, sourceId: appId, changeSource: 'INTEGRATION' }
      : by === 'none'
        ? {}
        : { changedBy: by, sourceId: by, changeSource: 'CRM_UI' };
  return {
    kind: 'ownerChanged',
    sourceEventId: opts.eventId ?? `o-${nextId()}`,
    record: { crm: 'hubspot', objectType: 'contact', id: recordId },
    occurredAt: opts.at.toISOString(),
    newOwnerId,
    ...origin,
  };
}

export function updated(recordId: string, fields: Record<string, unknown>, at = new Date()): InboundEvent {
  return {
    kind: 'updated',
    sourceEventId: `u-${nextId()}`,
    record: { crm: 'hubspot', objectType: 'contact', id: recordId },
    occurredAt: at.toISOString(),
    changedFields: Object.keys(fields),
    fields,
  };
}

/** A node's pipeline and a SQL client on its database: what feeding events and waiting on them take. */
export interface Fed {
  deps: PipelineDeps;
  sql: SqlClient;
}

const fedWait = { timeoutMs: 60_000 };

/** Ingests CRM events as the connector would and waits until the worker has done each. */
export async function feedEvents(node: Fed, events: InboundEvent[]): Promise<void> {
  await ingestCrmEvents(node.deps, 'hubspot', events);
  const ids = events.map((e) => e.sourceEventId);
  await until(
    async () =>
      (
        await node.sql.rows(
          `select 1 from inbound_events where source = 'hubspot' and source_event_id = any($1) and status = 'done'`,
          [ids],
        )
      ).length === ids.length,
    { ...fedWait, what: `events ${ids.join(',')} done` },
  );
}

/** Routes a new record and waits until its owner write is done. */
export async function routeRecord(node: Fed, recordId: string, fields: Record<string, unknown> = {}): Promise<void> {
  await feedEvents(node, [created(recordId, fields)]);
  await until(
    async () =>
      (await node.sql.rows(`select 1 from outbox where record_id = $1 and status = 'done'`, [recordId])).length === 1,
    { ...fedWait, what: `write-back of ${recordId}` },
  );
}
