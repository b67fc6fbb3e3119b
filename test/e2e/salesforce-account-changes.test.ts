// Salesforce AccountChangeEvent and ContactChangeEvent on the CDC subscription, end to end: jsforce's
// real streaming client in a worker, the Bayeux stand-in publishing them beside LeadChangeEvents,
// the strict REST stand-in answering the re-reads and receiving the owner writes, real Postgres and
// BullMQ. The drain loop and the periodic syncs are slowed or off: what applies a change is the
// event itself (stored, then re-read by id in the worker that received it).
import { describe, expect, it } from 'vitest';
import { syncAccounts } from '../../src/pipeline/index.js';
import { writeAccountOwnerConfig } from '../support/account-owner-config.js';
import { startBayeuxStandin, type BayeuxStandin } from '../support/bayeux-standin.js';
import { startSalesforceInstance, type SalesforceInstance } from '../support/salesforce-instance.js';
import {
  aLeadRecord,
  SF_ACCESS_TOKEN,
  SF_REP_USERS,
  sfId,
  SF_ORG_ID,
  standinSalesforceConfig,
} from '../support/salesforce-outbound.js';
import { startSalesforceStandin, type SalesforceStandin } from '../support/salesforce-standin.js';
import { useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const LEADS = '/data/LeadChangeEvent';
const ACCOUNTS = '/data/AccountChangeEvent';
const CONTACTS = '/data/ContactChangeEvent';
const [ANA, BO, CY] = SF_REP_USERS.map((u) => u.Id) as [string, string, string];
const acme = sfId('001', 1);
const globex = sfId('001', 2);
const initech = sfId('001', 3);
const old = '2026-01-05T08:00:00.000+0000';
const account = (Id: string, name: string, domain: string) => ({
  Id,
  Name: name,
  Website: `https://www.${domain}/`,
  OwnerId: ANA,
  ParentId: null,
  CreatedDate: old,
  SystemModstamp: old,
});
// Leads 0-2 match Acme by email domain; 3-5 have a domain no account has: their account is the one
// holding most contacts at partner-sf.example.
const leads: Array<Record<string, unknown>> = Array.from({ length: 6 }, (_, i) => ({
  ...aLeadRecord(i, 'R'),
  Email: i < 3 ? `buyer${i}@acme-sf.example` : `buyer${i}@partner-sf.example`,
}));
const contact = (i: number, accountId: string, email = `p${i}@partner-sf.example`) => ({
  Id: sfId('003', i),
  LastName: `P${i}`,
  Email: email,
  AccountId: accountId,
  CreatedDate: old,
  SystemModstamp: old,
});

const mappings = {
  'salesforce/Lead': {
    fields: [
      { from: 'Email', to: 'email', required: true },
      { from: 'Company', to: 'company' },
    ],
    ignore: ['Id', 'attributes'],
  },
};

let config: ReturnType<typeof writeAccountOwnerConfig>;
let rest: SalesforceStandin;
let bayeux: BayeuxStandin;
let instance: SalesforceInstance;
let tx = 0;

function header(
  changeType: string,
  recordIds: string[],
  changedFields: string[] = [],
  entityName = 'Account',
  nulledFields: string[] = [],
) {
  tx += 1;
  return {
    entityName,
    recordIds,
    changeType,
    changeOrigin: '',
    transactionKey: `acct-tx-${tx}`,
    sequenceNumber: 1,
    commitTimestamp: Date.now(),
    commitNumber: tx,
    commitUser: '0055g000003QrSuAAK',
    nulledFields,
    diffFields: [],
    changedFields,
  };
}
const leadCreated = (lead: Record<string, unknown>) => ({
  ChangeEventHeader: { ...header('CREATE', [lead.Id as string]), entityName: 'Lead' },
  Company: lead.Company,
  OwnerId: lead.OwnerId,
});
const mirrored = async (id: string) =>
  (
    await sql.rows<{ owner_crm_id: string; deleted: boolean }>(
      `select owner_crm_id, deleted_at is not null as deleted from crm_accounts where crm = 'salesforce' and id = $1`,
      [id],
    )
  )[0];
/** Waits until the channel's replay id stored is `replayId` (the event handled, then moved past). */
const replayStored = (channel: string, replayId: number) =>
  until(
    async () =>
      (
        await sql.rows(`select 1 from connector_state where key = $1 and value::text = $2`, [
          `salesforce:cdc-replay:${channel}`,
          String(replayId),
        ])
      ).length === 1,
    { what: `the replay id of ${channel} stored` },
  );
const ownerWritten = async (id: string) => {
  await until(() => rest.writes.some((w) => w.id === id), { timeoutMs: 15_000, what: `the owner of ${id} written` });
  return rest.writes.find((w) => w.id === id)!.fields['OwnerId'];
};
const accountReads = (id: string) =>
  rest.queries.filter((q) => q.includes('FROM Account WHERE Id IN') && q.includes(id));

const sys = useTestSystem(async () => {
  config = writeAccountOwnerConfig(mappings);
  rest = await startSalesforceStandin({
    accessToken: SF_ACCESS_TOKEN,
    organizationId: SF_ORG_ID,
    records: {
      Lead: leads,
      User: SF_REP_USERS,
      Account: [account(acme, 'Acme', 'acme-sf.example'), account(globex, 'Globex', 'globex-sf.example')],
      Contact: [contact(1, acme), contact(2, acme), contact(3, globex)],
    },
  });
  bayeux = await startBayeuxStandin({ accessToken: SF_ACCESS_TOKEN });
  instance = await startSalesforceInstance({ restUrl: rest.url, cometdUrl: bayeux.url });
  const env = {
    SALESFORCE_CONFIG: standinSalesforceConfig(instance.url, {
      streams: { cdc: true, accountChangeEvents: true, contactChangeEvents: true },
      accountOpportunityCounts: false,
    }),
    CONFIG_FILE: config.file,
    ACCOUNT_CHANGES_INTERVAL_MS: '600000',
    ACCOUNT_SYNC_INTERVAL_MS: '0',
    ACCOUNT_RECONCILE_INTERVAL_MS: '0',
  };
  const after = async () => {
    for (const close of [instance?.close, bayeux?.close, rest?.close]) await close?.();
    config?.remove();
  };
  return { env, working: true, migrate: true, after };
});
const sql = { rows: <T>(text: string, params?: unknown[]) => sys.sql.rows<T>(text, params) };

describe('AccountChangeEvent keeps the Salesforce account mirror current', () => {
  it('loads the accounts, and subscribes to the Account channel beside the routed objects', async () => {
    await syncAccounts(sys.rt.deps, { crm: 'salesforce' });
    await until(() => bayeux.subscribeRequests.length === 3, { what: 'the three channels subscribed' });
    expect(bayeux.subscribeRequests.map((r) => r.channel).sort()).toEqual([ACCOUNTS, CONTACTS, LEADS]);
  });

  it('an account reassigned in Salesforce: the event re-reads it, and the next lead goes to the new owner', async () => {
    bayeux.publishChangeEvent(LEADS, leadCreated(leads[0]!));
    expect(await ownerWritten(leads[0]!.Id as string)).toBe(ANA);

    rest.putRecord('Account', { Id: acme, OwnerId: BO });
    const replayId = bayeux.publishChangeEvent(ACCOUNTS, {
      ChangeEventHeader: header('UPDATE', [acme], ['OwnerId', 'LastModifiedDate']),
      OwnerId: BO,
    });
    await until(async () => (await mirrored(acme))?.owner_crm_id === BO, { what: 'the mirror to hold the new owner' });
    await replayStored(ACCOUNTS, replayId);
    bayeux.publishChangeEvent(LEADS, leadCreated(leads[1]!));
    expect(await ownerWritten(leads[1]!.Id as string)).toBe(BO);
  });

  it('DELETE drops the account without a read; UNDELETE re-reads it and it is live again', async () => {
    const before = accountReads(globex).length;
    rest.deleteRecord('Account', globex);
    bayeux.publishChangeEvent(ACCOUNTS, { ChangeEventHeader: header('DELETE', [globex]) });
    await until(async () => (await mirrored(globex))?.deleted === true, { what: 'the account marked deleted' });
    expect(accountReads(globex)).toHaveLength(before);

    rest.putRecord('Account', account(globex, 'Globex', 'globex-sf.example'));
    bayeux.publishChangeEvent(ACCOUNTS, { ChangeEventHeader: header('UNDELETE', [globex]) });
    await until(async () => (await mirrored(globex))?.deleted === false, { what: 'the account live again' });
  });

  it('a gap event (no field values) re-reads the ids it names; a CREATE adds a new account', async () => {
    rest.putRecord('Account', { Id: acme, OwnerId: CY });
    bayeux.publishChangeEvent(ACCOUNTS, { ChangeEventHeader: header('GAP_UPDATE', [acme]) });
    await until(async () => (await mirrored(acme))?.owner_crm_id === CY, { what: 'the gap re-read' });

    rest.putRecord('Account', account(initech, 'Initech', 'initech-sf.example'));
    bayeux.publishChangeEvent(ACCOUNTS, {
      ChangeEventHeader: header('CREATE', [initech]),
      Name: 'Initech',
      OwnerId: ANA,
    });
    await until(async () => (await mirrored(initech))?.owner_crm_id === ANA, { what: 'the new account mirrored' });
  });

  it('GAP_OVERFLOW names no ids: an incremental sync by SystemModstamp catches the mirror up', async () => {
    rest.putRecord('Account', { Id: globex, OwnerId: BO });
    const syncsBefore = rest.queries.filter(
      (q) => q.includes('FROM Account') && q.includes('SystemModstamp >='),
    ).length;
    bayeux.publishChangeEvent(ACCOUNTS, { ChangeEventHeader: header('GAP_OVERFLOW', []) });
    await until(async () => (await mirrored(globex))?.owner_crm_id === BO, { what: 'the incremental sync' });
    // Undeleted above: the recycle bin no longer lists it, so the sync leaves it live.
    expect(await mirrored(globex)).toEqual({ owner_crm_id: BO, deleted: false });
    expect(
      rest.queries.filter((q) => q.includes('FROM Account') && q.includes('SystemModstamp >=')).length,
    ).toBeGreaterThan(syncsBefore);
    const [pending] = await sql.rows<{ n: number }>(`select count(*)::int as n from crm_account_changes`);
    expect(pending!.n).toBe(0);
  });
});

describe('ContactChangeEvent keeps the contact-domain counts current (the dominant account by contact domain)', () => {
  const contactRow = async (i: number) =>
    (
      await sql.rows<{ account_id: string; email_domain: string }>(
        `select account_id, email_domain from crm_account_contacts where crm = 'salesforce' and contact_id = $1`,
        [sfId('003', i)],
      )
    )[0];
  const contactReads = (i: number) =>
    rest.queries.filter((q) => q.includes('FROM Contact WHERE Id IN') && q.includes(sfId('003', i)));
  const contactEvent = (
    changeType: string,
    i: number,
    changedFields: string[] = [],
    body = {},
    nulled: string[] = [],
  ) =>
    bayeux.publishChangeEvent(CONTACTS, {
      ChangeEventHeader: header(changeType, [sfId('003', i)], changedFields, 'Contact', nulled),
      ...body,
    });
  // Owners now (after the account tests): Acme CY, Globex BO.

  it('the first load counted Acme 2, Globex 1 at partner-sf.example: the lead goes to Acme', async () => {
    bayeux.publishChangeEvent(LEADS, leadCreated(leads[3]!));
    expect(await ownerWritten(leads[3]!.Id as string)).toBe(CY);
  });

  it('contacts created at Globex: each event re-reads its contact, and the next lead goes to Globex', async () => {
    for (const i of [4, 5]) {
      rest.putRecord('Contact', contact(i, globex));
      contactEvent('CREATE', i, [], { Email: `p${i}@partner-sf.example`, AccountId: globex, LastName: `P${i}` });
    }
    await until(async () => (await contactRow(5))?.account_id === globex, { what: 'the new contacts mirrored' });
    bayeux.publishChangeEvent(LEADS, leadCreated(leads[4]!));
    expect(await ownerWritten(leads[4]!.Id as string)).toBe(BO);
  });

  it('a contact moved to Acme, one deleted (no read), one changing only its phone (no read): Acme again', async () => {
    const phoneReads = contactReads(1).length;
    const deletedReads = contactReads(5).length;
    rest.putRecord('Contact', { Id: sfId('003', 1), Phone: '+1 555 0101' });
    contactEvent('UPDATE', 1, ['Phone', 'LastModifiedDate'], { Phone: '+1 555 0101' });
    rest.putRecord('Contact', { Id: sfId('003', 4), AccountId: acme });
    contactEvent('UPDATE', 4, ['AccountId', 'LastModifiedDate'], { AccountId: acme });
    rest.deleteRecord('Contact', sfId('003', 5));
    const lastReplay = contactEvent('DELETE', 5);
    await until(async () => (await contactRow(4))?.account_id === acme && (await contactRow(5)) === undefined, {
      what: 'the move and the deletion mirrored',
    });
    await replayStored(CONTACTS, lastReplay);
    expect(contactReads(1)).toHaveLength(phoneReads);
    expect(contactReads(5)).toHaveLength(deletedReads);
    bayeux.publishChangeEvent(LEADS, leadCreated(leads[5]!));
    expect(await ownerWritten(leads[5]!.Id as string)).toBe(CY);
  });

  it('an email nulled is re-read and the contact counts for no domain; GAP_OVERFLOW syncs contacts by SystemModstamp', async () => {
    rest.putRecord('Contact', { Id: sfId('003', 2), Email: null });
    contactEvent('UPDATE', 2, ['Email', 'LastModifiedDate'], { Email: null }, ['Email']);
    await until(async () => (await contactRow(2))?.email_domain === null, { what: 'the nulled email mirrored' });

    rest.putRecord('Contact', { Id: sfId('003', 3), Email: 'p3@elsewhere-sf.example' });
    const syncsBefore = rest.queries.filter(
      (q) => q.includes('FROM Contact') && q.includes('SystemModstamp >='),
    ).length;
    bayeux.publishChangeEvent(CONTACTS, { ChangeEventHeader: header('GAP_OVERFLOW', [], [], 'Contact') });
    await until(async () => (await contactRow(3))?.email_domain === 'elsewhere-sf.example', {
      what: 'the incremental contact sync',
    });
    expect(
      rest.queries.filter((q) => q.includes('FROM Contact') && q.includes('SystemModstamp >=')).length,
    ).toBeGreaterThan(syncsBefore);
  });
});
