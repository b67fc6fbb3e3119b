// The periodic CRM user check (docs/accounts.md "Reps from the CRM") in a working system against
// both stand-ins, default config (ana, bo, cy round-robin; each with a HubSpot owner and a
// Salesforce user): a rep whose HubSpot owner is archived, or whose Salesforce user has
// IsActive false, is skipped by the next decisions without a publish, and routed again once the
// user is active; an away mark a person set is never undone by the check. Credentials: reps import's
// (test/support/credentials.ts).
import { expect, it } from 'vitest';
import { syncCrmUsers } from '../../src/pipeline/index.js';
import { startHubSpotStandIn, type HubSpotStandIn, type StandInOwner } from '../support/hubspot-standin.js';
import { startSalesforceStandin, type SalesforceStandin } from '../support/salesforce-standin.js';
import { crmUserConnectorsEnv, crmUserSalesforceToken } from '../support/crm-user-connectors.js';
import { leadBody, testApiKey, useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const editorToken = 'editor-token-0123456789';
const sfUser = (n: number) => `00500000000000${n}AAA`;

let hs: HubSpotStandIn;
let sf: SalesforceStandin;
const owners: StandInOwner[] = [
  { id: '101', email: 'ana@example.com', firstName: 'Ana', lastName: 'Lopez' },
  { id: '102', email: 'bo@example.com', firstName: 'Bo', lastName: 'Chen' },
  { id: '103', email: 'cy@example.com', firstName: 'Cy', lastName: 'Okafor' },
];

const sys = useTestSystem(async () => {
  hs = await startHubSpotStandIn({ owners });
  sf = await startSalesforceStandin({
    accessToken: crmUserSalesforceToken,
    records: {
      User: ['Ana Lopez', 'Bo Chen', 'Cy Okafor'].map((Name, i) => ({
        Id: sfUser(i + 1),
        Name,
        Email: `${Name.split(' ')[0]!.toLowerCase()}@example.com`,
        IsActive: true,
        UserType: 'Standard',
      })),
      Group: [{ Id: '00G5g000001WxYzEAK', Name: 'Queue', Type: 'Queue' }],
    },
  });
  return {
    env: {
      ADMIN_TOKENS: `editor:${editorToken}`,
      CRM_USER_SYNC_INTERVAL_MS: '100',
      ...crmUserConnectorsEnv(hs.url, sf.url),
    },
    working: true,
    migrate: true,
    after: async () => {
      await hs?.close();
      await sf?.close();
    },
  };
});

let n = 0;
/** Posts one lead and waits for its assignment; returns the owner and the decision's reasons. */
async function routeOne() {
  const res = await sys.app.inject({
    method: 'POST',
    url: '/v1/leads',
    headers: { 'x-api-key': testApiKey },
    payload: leadBody(`user-sync-lead-${String(++n).padStart(4, '0')}`),
  });
  expect(res.statusCode).toBe(202);
  const { eventId } = res.json();
  const row = await until(
    async () =>
      (
        await sys.sql.rows<{ rep_id: string | null; decision: { reasons: Array<{ code: string; repId?: string }> } }>(
          `select rep_id, decision from assignments where event_id = $1`,
          [eventId],
        )
      )[0],
    { what: `assignment ${n}` },
  );
  return { owner: row.rep_id, reasons: row.decision.reasons };
}

/** Three leads: a full turn of the rotation. */
async function aTurn() {
  const out = [];
  for (let i = 0; i < 3; i++) out.push(await routeOne());
  return out;
}

const status = async (rep: string) =>
  (
    await sys.sql.rows<{ status: string; note: string | null; updated_by: string }>(
      `select status, note, updated_by from rep_availability where rep_id = $1`,
      [rep],
    )
  )[0];

const audit = (rep: string) =>
  sys.sql.rows<{ status: string; note: string | null; changed_by: string }>(
    `select status, note, changed_by from rep_availability_changes where rep_id = $1 order by changed_at, id`,
    [rep],
  );

/** Waits until the check has run twice more from now (each round lists HubSpot's archived owners once). */
async function twoMoreRounds() {
  const archivedLists = () => hs.requests.filter((r) => r.path.startsWith('/crm/v3/owners')).length;
  const from = archivedLists();
  await until(async () => archivedLists() >= from + 4 || undefined, { what: 'two more CRM user checks' });
}

const versions = async () => (await sys.sql.rows(`select version from config_versions`)).length;

it('a rep whose HubSpot owner is archived is skipped without a publish, and routed again once reactivated', async () => {
  owners[1]!.archived = true;
  await until(async () => (await status('bo'))?.status === 'away' || undefined, { what: 'bo marked away' });
  expect(await status('bo')).toEqual({
    status: 'away',
    note: 'CRM user deactivated (hubspot)',
    updated_by: 'crm-sync:hubspot',
  });

  const turn = await aTurn();
  expect(turn.map((d) => d.owner)).not.toContain('bo');
  expect(turn.flatMap((d) => d.reasons)).toContainEqual(expect.objectContaining({ code: 'REP_AWAY', repId: 'bo' }));
  expect(await versions()).toBe(1);

  owners[1]!.archived = false;
  await until(async () => (await status('bo'))?.status === 'back' || undefined, { what: 'bo marked back' });
  expect((await aTurn()).map((d) => d.owner)).toContain('bo');
  expect(await audit('bo')).toEqual([
    { status: 'away', note: 'CRM user deactivated (hubspot)', changed_by: 'crm-sync:hubspot' },
    { status: 'back', note: 'CRM user active again (hubspot, salesforce)', changed_by: 'crm-sync:hubspot+salesforce' },
  ]);
  expect(await versions()).toBe(1);
});

it('a rep whose Salesforce user has IsActive false is skipped, and routed again once active', async () => {
  sf.putRecord('User', { Id: sfUser(1), IsActive: false });
  await until(async () => (await status('ana'))?.status === 'away' || undefined, { what: 'ana marked away' });
  expect(await status('ana')).toEqual({
    status: 'away',
    note: 'CRM user deactivated (salesforce)',
    updated_by: 'crm-sync:salesforce',
  });
  expect((await aTurn()).map((d) => d.owner)).not.toContain('ana');

  sf.putRecord('User', { Id: sfUser(1), IsActive: true });
  await until(async () => (await status('ana'))?.status === 'back' || undefined, { what: 'ana marked back' });
  expect((await aTurn()).map((d) => d.owner)).toContain('ana');
  // One SOQL query of User per round, as background work; never the queues (usersOnly).
  expect(sf.queries.filter((q) => /FROM Group/.test(q))).toEqual([]);
  expect(sf.queries.filter((q) => /FROM User/.test(q)).length).toBeGreaterThan(1);
});

it('a rep whose HubSpot owner is gone from the list is marked away too', async () => {
  const [gone] = owners.splice(1, 1);
  await until(async () => (await status('bo'))?.status === 'away' || undefined, { what: 'bo marked away' });
  expect(await status('bo')).toMatchObject({ note: 'CRM user deactivated (hubspot)', updated_by: 'crm-sync:hubspot' });
  owners.splice(1, 0, gone!);
  await until(async () => (await status('bo'))?.status === 'back' || undefined, { what: 'bo marked back' });
});

it('a CRM whose list fails or comes back empty marks no one', async () => {
  const result = await syncCrmUsers(sys.rt.deps, {
    hubspot: async () => [],
    salesforce: async () => {
      throw new Error('INSUFFICIENT_ACCESS');
    },
  });
  expect(result).toEqual({ markedAway: [], markedBack: [], unlisted: ['hubspot', 'salesforce'] });
});

it("never undoes a person's away mark, whatever the CRM says", async () => {
  const put = await sys.app.inject({
    method: 'PUT',
    url: '/v1/reps/cy/availability',
    headers: { 'x-admin-token': editorToken },
    payload: { status: 'away', note: 'parental leave' },
  });
  expect(put.statusCode).toBe(200);
  const mark = { status: 'away', note: 'parental leave', updated_by: put.json().status.by };

  await twoMoreRounds(); // the CRM user is active: cy stays away
  expect(await status('cy')).toEqual(mark);

  owners[2]!.archived = true; // deactivated and reactivated while away: still the person's mark
  await twoMoreRounds();
  owners[2]!.archived = false;
  await twoMoreRounds();
  expect(await status('cy')).toEqual(mark);
  expect((await audit('cy')).map((c) => c.changed_by)).toEqual([mark.updated_by]);
  expect((await aTurn()).map((d) => d.owner)).not.toContain('cy');
});
