// The rule action existingOwner at runtime, two processes on one Postgres: A syncs the HubSpot
// people mirror and drains its contact webhooks and erasures; B only routes (its loops never tick)
// and must route by the people A stored, through its index following crm_people (account-follow.ts).
// A lead whose email belongs to a contact (preferred) or lead owned by one of our reps goes to that
// owner; its own CRM record is not "existing". routeBatch is called directly on B.
import { expect, it } from 'vitest';
import { createAccountIndex, type AccountMatcher } from '../../src/accounts/index.js';
import { drainAccountChanges, loadAccountIndex, routeBatch, syncAccounts } from '../../src/pipeline/index.js';
import {
  objectEvents,
  signedHubSpotWebhook,
  startHubSpotStandIn,
  type HubSpotStandIn,
} from '../support/hubspot-standin.js';
import { routeApiLead, useSecondSystem } from '../support/second-system.js';
import { useTestSystem } from '../support/system.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const clientSecret = 'existing-owner-secret-01';
const editor = 'editor-token-existing-01';
const old = '2026-01-05T08:00:00.000Z';
const SF_ANA = '0055g00000AnaAAAA1';
const config = {
  mappings: {
    'api/lead': { fields: [{ from: 'email', to: 'email' }] },
    'hubspot/contact': { fields: [{ from: 'email', to: 'email' }] },
  },
  routing: {
    reps: [
      { id: 'ana', crmIds: { hubspot: '101', salesforce: SF_ANA } },
      { id: 'bo', crmIds: { hubspot: '102' } },
      { id: 'cy', crmIds: { hubspot: '103' } },
    ],
    pools: [{ id: 'inbound', strategy: 'round_robin', members: ['cy'] }],
    rules: [
      { id: 'existing', when: { match: 'always' }, action: { existingOwner: true, fallback: { pool: 'inbound' } } },
    ],
  },
};

let standIn: HubSpotStandIn;
let dir: string;
let env: Record<string, string>;
const a = useTestSystem(async () => {
  standIn = await startHubSpotStandIn({
    records: {
      companies: {
        '7001': { name: 'Acme', domain: 'acme.example', hubspot_owner_id: '103', hs_lastmodifieddate: old },
      },
      contacts: {
        '1': { email: 'Jo@Acme.example', associatedcompanyid: '7001', hubspot_owner_id: '101' },
        // No company: still a person to match.
        '2': { email: 'max@free.example', hubspot_owner_id: '102' },
        // Owned by someone who is not our rep.
        '3': { email: 'ext@acme.example', associatedcompanyid: '7001', hubspot_owner_id: '999' },
        // Two contacts with one email: the lead that contact 4 itself is must not go to 4's owner.
        '4': { email: 'four@acme.example', associatedcompanyid: '7001', hubspot_owner_id: '101' },
        '5': { email: 'four@acme.example', hubspot_owner_id: '102' },
      },
    },
    owners: [{ id: '101' }, { id: '102' }, { id: '103' }],
  });
  dir = mkdtempSync(join(tmpdir(), 'lr-existing-'));
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify(config));
  env = {
    HUBSPOT_CONFIG: JSON.stringify({
      baseUrl: standIn.url,
      auth: { kind: 'private_app', token: 'pat-existing' },
      clientSecret,
    }),
    CONFIG_FILE: join(dir, 'config.yaml'),
    ADMIN_TOKENS: `editor:${editor}`,
    // No loop ticks: A syncs and drains when told, B follows only before a batch.
    ACCOUNT_CHANGES_INTERVAL_MS: '3600000',
  };
  return {
    env,
    migrate: true,
    after: async () => {
      await standIn?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const second = useSecondSystem(a, () => env);

/** Who got the lead of this event (routed in B) and its existing-owner reasons. */
async function outcomeOf(eventId: string) {
  const [row] = await a.sql.rows<{ rep_id: string | null; reasons: Array<{ code: string; detail?: string }> }>(
    `select rep_id, decision->'reasons' as reasons from assignments where event_id = $1`,
    [eventId],
  );
  const codes = (row?.reasons ?? []).map((r) => r.code).filter((c) => /EXISTING/.test(c));
  const record = row?.reasons.find((r) => r.code === 'EXISTING_OWNER')?.detail;
  return { rep: row?.rep_id, codes, ...(record && { record }) };
}

const routeInB = async (email: string) => outcomeOf(await routeApiLead(second.sys, email));

const deliver = async (events: Array<[number, string, number, string?]>) => {
  const ack = await a.app.inject(signedHubSpotWebhook(clientSecret, objectEvents(events)));
  expect(ack.statusCode).toBe(200);
};

/** B's people are what an index freshly loaded from the mirror holds. */
async function expectBLikeAFreshLoad(emails: string[]) {
  const fresh = createAccountIndex();
  await loadAccountIndex(a.rt.deps.db, fresh);
  const bIndex = second.sys.rt.deps.accounts as AccountMatcher;
  for (const e of emails) expect(bIndex.findPeople!(e), e).toEqual(fresh.findPeople!(e));
}

const emails = ['jo@acme.example', 'max@free.example', 'ext@acme.example', 'four@acme.example', 'new@acme.example'];

it('after the initial sync in A, B routes a lead to the owner of the contact with its email', async () => {
  await syncAccounts(a.rt.deps, { crm: 'hubspot' });
  expect(await a.sql.rows(`select kind, id, email, owner_crm_id from crm_people order by id`)).toEqual([
    { kind: 'contact', id: '1', email: 'jo@acme.example', owner_crm_id: '101' },
    { kind: 'contact', id: '2', email: 'max@free.example', owner_crm_id: '102' },
    { kind: 'contact', id: '3', email: 'ext@acme.example', owner_crm_id: '999' },
    { kind: 'contact', id: '4', email: 'four@acme.example', owner_crm_id: '101' },
    { kind: 'contact', id: '5', email: 'four@acme.example', owner_crm_id: '102' },
  ]);
  expect(await routeInB('JO@acme.example')).toEqual({
    rep: 'ana',
    codes: ['EXISTING_RECORD', 'EXISTING_OWNER'],
    record: 'owns hubspot contact 1',
  });
  expect(await routeInB('max@free.example')).toMatchObject({ rep: 'bo', record: 'owns hubspot contact 2' });
  // A contact owned by someone who is not our rep, and no contact at all: the fallback.
  expect(await routeInB('ext@acme.example')).toEqual({ rep: 'cy', codes: ['NO_EXISTING_RECORD'] });
  expect(await routeInB('nobody@acme.example')).toEqual({ rep: 'cy', codes: ['NO_EXISTING_RECORD'] });
  await expectBLikeAFreshLoad(emails);
});

it('a contact created, reassigned or deleted in HubSpot moves B’s next lead (webhooks drained in A)', async () => {
  standIn.putRecord('contacts', '6', { email: 'new@acme.example', hubspot_owner_id: '102' });
  standIn.putRecord('contacts', '1', { hubspot_owner_id: '102' });
  standIn.deleteRecord('contacts', '2');
  await deliver([
    [880001, 'contact.creation', 6],
    [880002, 'contact.propertyChange', 1, 'hubspot_owner_id'],
    [880003, 'contact.deletion', 2],
  ]);
  expect(await drainAccountChanges(a.rt.deps)).toBe(3);
  expect(await routeInB('new@acme.example')).toMatchObject({ rep: 'bo', record: 'owns hubspot contact 6' });
  expect(await routeInB('jo@acme.example')).toMatchObject({ rep: 'bo', record: 'owns hubspot contact 1' });
  expect(await routeInB('max@free.example')).toEqual({ rep: 'cy', codes: ['NO_EXISTING_RECORD'] });
  expect(await a.sql.rows(`select email, owner_crm_id from crm_people where id = '2'`)).toEqual([
    { email: null, owner_crm_id: null },
  ]);
  await expectBLikeAFreshLoad(emails);
});

it('a contact is preferred over a lead with the same email; without the contact the lead’s owner gets it', async () => {
  // A Salesforce lead with Jo's email, owned by ana, as the Salesforce lead sync stores it
  // (that sync is tested in people-sync.test.ts); HubSpot's contact 1 (bo) still wins.
  await a.sql.query(
    `insert into crm_people (crm, kind, id, email, owner_crm_id, synced_at)
     values ('salesforce', 'lead', '00Q5g00000Jo01', 'jo@acme.example', $1, now())`,
    [SF_ANA],
  );
  expect(await routeInB('jo@acme.example')).toMatchObject({ rep: 'bo', record: 'owns hubspot contact 1' });
  standIn.deleteRecord('contacts', '1');
  await deliver([[880004, 'contact.deletion', 1]]);
  expect(await drainAccountChanges(a.rt.deps)).toBe(1);
  expect(await routeInB('jo@acme.example')).toMatchObject({
    rep: 'ana',
    record: 'owns salesforce lead 00Q5g00000Jo01',
  });
  await expectBLikeAFreshLoad(emails);
});

it("a lead's own CRM record is not an existing record: HubSpot contact 4 as a lead goes to contact 5's owner", async () => {
  await deliver([[880005, 'contact.creation', 4]]);
  expect(await drainAccountChanges(a.rt.deps)).toBe(1);
  const [event] = await a.sql.rows<{ id: string }>(
    `select id from inbound_events where crm = 'hubspot' and record_id = '4' order by received_at desc limit 1`,
  );
  await routeBatch(second.sys.rt.deps, [event!.id]);
  expect(await outcomeOf(event!.id)).toMatchObject({ rep: 'bo', record: 'owns hubspot contact 5' });
});

it('an erasure in A removes the person from the mirror and from B’s index: the next lead takes the fallback', async () => {
  const res = await a.app.inject({
    method: 'POST',
    url: '/v1/admin/erasures',
    headers: { 'x-admin-token': editor },
    payload: { email: 'new@acme.example' },
  });
  expect(res.statusCode).toBe(200);
  expect(res.json().rows).toMatchObject({ crm_people: 1 });
  expect(await a.sql.rows(`select count(*)::int n from crm_people where email = 'new@acme.example'`)).toEqual([
    { n: 0 },
  ]);
  // A's own index dropped it at once; B's before its next batch.
  expect((a.rt.deps.accounts as AccountMatcher).findPeople!('new@acme.example')).toEqual([]);
  expect(await routeInB('new@acme.example')).toEqual({ rep: 'cy', codes: ['NO_EXISTING_RECORD'] });
  await expectBLikeAFreshLoad(emails);
});
