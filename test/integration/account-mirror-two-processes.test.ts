// Two processes on one Postgres, as a fleet runs: A receives HubSpot webhooks, drains them and
// syncs (the mirror's writer); B only routes (its loops never tick: a one-hour interval). B's
// index must hold the mirror's contact-domain counts before each batch it routes, exactly as an
// index freshly loaded from the mirror would: contacts created and moved by webhooks drained in A,
// and contacts removed by A's full-sync reconcile. routeBatch is called directly on B.
import { expect, it } from 'vitest';
import { createAccountIndex, type AccountMatcher } from '../../src/accounts/index.js';
import { drainAccountChanges, loadAccountIndex, syncAccounts } from '../../src/pipeline/index.js';
import { aLead } from '../builders/index.js';
import {
  objectEvents,
  signedHubSpotWebhook,
  startHubSpotStandIn,
  type HubSpotStandIn,
} from '../support/hubspot-standin.js';
import { writeAccountOwnerConfig } from '../support/account-owner-config.js';
import { sqlClient } from '../support/services.js';
import { routeApiLead, useSecondSystem } from '../support/second-system.js';
import { useTestSystem } from '../support/system.js';

const clientSecret = 'two-processes-secret-01';
const old = '2026-01-05T08:00:00.000Z';
const mappings = { 'api/lead': { fields: [{ from: 'email', to: 'email' }] } };

let standIn: HubSpotStandIn;
let config: ReturnType<typeof writeAccountOwnerConfig>;
let env: Record<string, string>;
const a = useTestSystem(async () => {
  standIn = await startHubSpotStandIn({
    records: {
      companies: {
        '7001': { name: 'Ana Co', domain: 'anaco.example', hubspot_owner_id: '101', hs_lastmodifieddate: old },
        '7002': { name: 'Bo Co', domain: 'boco.example', hubspot_owner_id: '102', hs_lastmodifieddate: old },
      },
      contacts: {
        '1': { email: 'p1@partner.example', associatedcompanyid: '7001' },
        '2': { email: 'p2@partner.example', associatedcompanyid: '7001' },
        '3': { email: 'p3@partner.example', associatedcompanyid: '7002' },
        '4': { email: 'q4@other.example', associatedcompanyid: '7002' },
      },
    },
    owners: [{ id: '101' }, { id: '102' }, { id: '103' }],
  });
  // The first rule routes to the matched account's owner (reps ana 101, bo 102, cy 103 in HubSpot).
  config = writeAccountOwnerConfig(mappings);
  env = {
    HUBSPOT_CONFIG: JSON.stringify({
      baseUrl: standIn.url,
      auth: { kind: 'private_app', token: 'pat-two' },
      clientSecret,
    }),
    CONFIG_FILE: config.file,
    // No loop ticks during the tests: A drains and syncs when told, B follows only before a batch.
    ACCOUNT_CHANGES_INTERVAL_MS: '3600000',
  };
  return {
    env,
    migrate: true,
    after: async () => {
      await standIn?.close();
      config?.remove();
    },
  };
});

const second = useSecondSystem(a, () => env);

/** Routes one lead in B; returns who got it and how its account was found. */
async function routeInB(email: string) {
  const eventId = await routeApiLead(second.sys, email);
  const [row] = await a.sql.rows<{ rep_id: string | null; account: { accountId?: string; method?: string } | null }>(
    `select rep_id, decision->'trace'->'account' as account from assignments where event_id = $1`,
    [eventId],
  );
  return { rep: row?.rep_id, accountId: row?.account?.accountId, method: row?.account?.method };
}

const deliver = (events: Array<[number, string, number, string?]>) =>
  a.app.inject(signedHubSpotWebhook(clientSecret, objectEvents(events)));

const sorted = <T extends { accountId: string }>(rows: readonly T[]) =>
  [...rows].sort((x, y) => x.accountId.localeCompare(y.accountId));

/** B's counts and account records are what an index freshly loaded from the mirror holds. */
async function expectBLikeAFreshLoad(domains: string[]) {
  const fresh = createAccountIndex();
  await loadAccountIndex(a.rt.deps.db, fresh);
  const bIndex = second.sys.rt.deps.accounts as AccountMatcher;
  for (const d of domains) expect(sorted(bIndex.contactDomainCounts(d))).toEqual(sorted(fresh.contactDomainCounts(d)));
  for (const site of ['anaco.example', 'boco.example'])
    expect(bIndex.match(aLead({ websiteDomain: site }))?.account).toEqual(
      fresh.match(aLead({ websiteDomain: site }))?.account,
    );
}

it('B routes by the dominant account by contact domain that A loaded, with no loop of its own', async () => {
  await syncAccounts(a.rt.deps, { crm: 'hubspot' });
  expect(await routeInB('lead1@partner.example')).toEqual({ rep: 'ana', accountId: '7001', method: 'contact_domain' });
  await expectBLikeAFreshLoad(['partner.example', 'other.example']);
});

it('contacts created and moved by webhooks A drains: B routes the next lead by the new dominant account', async () => {
  // 21 joins Bo Co, 2 moves from Ana Co to Bo Co: partner.example is now Bo Co 3, Ana Co 1.
  standIn.putRecord('contacts', '21', { email: 'p21@partner.example', associatedcompanyid: '7002' });
  standIn.putRecord('contacts', '2', { associatedcompanyid: '7002' });
  const ack = await deliver([
    [990001, 'contact.creation', 21],
    [990002, 'contact.propertyChange', 2, 'associatedcompanyid'],
  ]);
  expect(ack.statusCode).toBe(200);
  expect(await drainAccountChanges(a.rt.deps)).toBe(2);
  expect(await routeInB('lead2@partner.example')).toEqual({ rep: 'bo', accountId: '7002', method: 'contact_domain' });
  expect(sorted(second.sys.rt.deps.accounts!.contactDomainCounts('partner.example'))).toEqual([
    { crm: 'hubspot', accountId: '7001', domain: 'partner.example', contacts: 1 },
    { crm: 'hubspot', accountId: '7002', domain: 'partner.example', contacts: 3 },
  ]);
  await expectBLikeAFreshLoad(['partner.example', 'other.example']);
});

it("a full sync's reconcile in A removes contacts: B's counts fall before its next batch", async () => {
  // Gone from HubSpot without a webhook: only the reconcile of a full sync sees it.
  for (const id of ['2', '3', '21', '4']) standIn.deleteRecord('contacts', id);
  // B routes a lead between A's accounts pass (every account rewritten) and its contacts pass, as
  // a busy fleet does: B has followed the rewritten accounts before the reconcile removes contacts.
  const source = a.rt.deps.connectors.hubspot!.accounts!;
  const listContacts = source.listAccountContacts.bind(source);
  let between: Awaited<ReturnType<typeof routeInB>> | undefined;
  source.listAccountContacts = async function* (read) {
    between = await routeInB('lead3@partner.example');
    yield* listContacts(read);
  };
  try {
    const [, contacts] = await syncAccounts(a.rt.deps, { crm: 'hubspot', full: true });
    expect(contacts).toMatchObject({ object: 'contacts', mode: 'full', deleted: 4 });
  } finally {
    source.listAccountContacts = listContacts;
  }
  expect(between).toEqual({ rep: 'bo', accountId: '7002', method: 'contact_domain' });
  expect(await routeInB('lead4@partner.example')).toEqual({ rep: 'ana', accountId: '7001', method: 'contact_domain' });
  expect(second.sys.rt.deps.accounts!.contactDomainCounts('partner.example')).toEqual([
    { crm: 'hubspot', accountId: '7001', domain: 'partner.example', contacts: 1 },
  ]);
  expect(second.sys.rt.deps.accounts!.contactDomainCounts('other.example')).toEqual([]);
  await expectBLikeAFreshLoad(['partner.example', 'other.example']);
});

it('a writer transaction that began before B looked and committed after is applied at the next look', async () => {
  // Another process's write, held open: Ana Co's last partner.example contact goes.
  const held = await sqlClient(a.db.url);
  try {
    await held.query('begin');
    await held.query(`delete from crm_account_contacts where crm = 'hubspot' and contact_id = '1'`);
    await held.query(
      `update crm_accounts set changed_xid = pg_current_xact_id() where crm = 'hubspot' and id = '7001'`,
    );
    // A later transaction commits first: two partner.example contacts for Bo Co.
    await a.sql.query(`begin`);
    await a.sql.query(
      `insert into crm_account_contacts (crm, contact_id, account_id, email_domain, synced_at)
       values ('hubspot', '41', '7002', 'partner.example', now()), ('hubspot', '42', '7002', 'partner.example', now())`,
    );
    await a.sql.query(
      `update crm_accounts set changed_xid = pg_current_xact_id() where crm = 'hubspot' and id = '7002'`,
    );
    await a.sql.query(`commit`);
    expect(await routeInB('lead5@partner.example')).toMatchObject({ rep: 'bo', accountId: '7002' });
    expect(sorted(second.sys.rt.deps.accounts!.contactDomainCounts('partner.example'))).toEqual([
      { crm: 'hubspot', accountId: '7001', domain: 'partner.example', contacts: 1 },
      { crm: 'hubspot', accountId: '7002', domain: 'partner.example', contacts: 2 },
    ]);
    await held.query('commit');
  } finally {
    await held.end();
  }
  expect(await routeInB('lead6@partner.example')).toMatchObject({ rep: 'bo', accountId: '7002' });
  expect(second.sys.rt.deps.accounts!.contactDomainCounts('partner.example')).toEqual([
    { crm: 'hubspot', accountId: '7002', domain: 'partner.example', contacts: 2 },
  ]);
  await expectBLikeAFreshLoad(['partner.example', 'other.example']);
});
