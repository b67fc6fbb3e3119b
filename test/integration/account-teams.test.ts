// Account teams from Salesforce (AccountTeamMember) into the mirror and the accountTeam route, on
// real Postgres with jsforce against the strict stand-in. Two processes on one database, as a fleet
// runs: A syncs (initial load, the poll by SystemModstamp, the full sync's reconcile); B only routes
// (its loops never tick) and follows the mirror's stamps before each batch. routeBatch is called
// directly (the decision is read from assignments). Last: the org turns Account Teams off, and the sync says why and keeps no teams.
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { syncAccounts } from '../../src/pipeline/index.js';
import { accountOwnerRouting } from '../support/account-owner-config.js';
import {
  SF_REP_USERS,
  sfId,
  standinSalesforceConfig,
  SF_ACCESS_TOKEN,
  SF_ORG_ID,
} from '../support/salesforce-outbound.js';
import { sfDateTime, startSalesforceStandin, type SalesforceStandin } from '../support/salesforce-standin.js';
import { routeApiLead, useSecondSystem } from '../support/second-system.js';
import { useTestSystem, type TestSystem } from '../support/system.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [ANA, BO, CY] = SF_REP_USERS.map((u) => u.Id) as [string, string, string];
const acme = sfId('001', 1);
const old = '2026-01-05T08:00:00.000+0000';
const member = (n: number, UserId: string, TeamMemberRole: string) => ({
  Id: sfId('01M', n),
  AccountId: acme,
  UserId,
  TeamMemberRole,
  AccountAccessLevel: 'Edit',
  SystemModstamp: old,
});

// The account's Sales Engineer gets the lead; no one with the role: cy's pool.
const routing = {
  ...accountOwnerRouting,
  rules: [
    {
      id: 'account-se',
      when: { field: 'account.matched', op: 'eq', value: true },
      action: { accountTeam: { role: 'Sales Engineer' }, fallback: { pool: 'inbound' } },
    },
    { id: 'all', when: { match: 'always' }, action: { pool: 'inbound' } },
  ],
};
const mappings = { 'api/lead': { fields: [{ from: 'email', to: 'email' }] } };

let sf: SalesforceStandin;
let dir: string;
let env: Record<string, string>;
const a = useTestSystem(async () => {
  sf = await startSalesforceStandin({
    accessToken: SF_ACCESS_TOKEN,
    organizationId: SF_ORG_ID,
    accountTeams: true,
    records: {
      User: SF_REP_USERS,
      Account: [
        { Id: acme, Name: 'Acme', Website: 'https://www.acme-team.example/', OwnerId: CY, SystemModstamp: old },
      ],
      AccountTeamMember: [member(1, ANA, 'Sales Engineer'), member(2, BO, 'Account Manager')],
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'lr-account-teams-'));
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify({ mappings, routing }));
  env = {
    SALESFORCE_CONFIG: standinSalesforceConfig(sf.url, { accountOpportunityCounts: false, maxRetries: 0 }),
    CONFIG_FILE: join(dir, 'config.yaml'),
    // No loop ticks during the tests: A syncs when told, B follows only before a batch.
    ACCOUNT_CHANGES_INTERVAL_MS: '3600000',
    ACCOUNT_SYNC_INTERVAL_MS: '0',
    ACCOUNT_RECONCILE_INTERVAL_MS: '0',
  };
  return {
    env,
    migrate: true,
    after: async () => {
      await sf?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const second = useSecondSystem(a, () => env);

/** Routes one acme lead in `sys`; returns who got it, by which rule, and the decision (its trace names the reasons). */
async function route(sys: TestSystem) {
  const eventId = await routeApiLead(sys, `buyer-${randomUUID()}@acme-team.example`);
  const [row] = await a.sql.rows<{ rep_id: string | null; rule_id: string; decision: string }>(
    `select rep_id, rule_id, decision::text as decision from assignments where event_id = $1`,
    [eventId],
  );
  return row!;
}
const routedIn = async (sys: TestSystem) => {
  const r = await route(sys);
  return { rep: r.rep_id, rule: r.rule_id };
};
const both = async () => ({ a: await routedIn(a), b: await routedIn(second.sys) });
const teamRows = () =>
  a.sql.rows(
    `select member_id, user_crm_id, role from crm_account_team_members where account_id = $1 order by member_id`,
    [acme],
  );

it('the initial sync stores the team; a lead for the account goes to its Sales Engineer, in both processes', async () => {
  const results = await syncAccounts(a.rt.deps, { crm: 'salesforce' });
  expect(results.map((r) => [r.object, r.mode, r.loaded])).toEqual([
    ['accounts', 'full', 1],
    ['contacts', 'full', 0],
    ['team', 'full', 2],
    ['leads', 'full', 0],
  ]);
  expect(await teamRows()).toEqual([
    { member_id: sfId('01M', 1), user_crm_id: ANA, role: 'Sales Engineer' },
    { member_id: sfId('01M', 2), user_crm_id: BO, role: 'Account Manager' },
  ]);
  expect(await both()).toEqual({ a: { rep: 'ana', rule: 'account-se' }, b: { rep: 'ana', rule: 'account-se' } });
});

it('roles changed in Salesforce: the next poll (by SystemModstamp) moves the next lead, in both processes', async () => {
  sf.putRecord('AccountTeamMember', { Id: sfId('01M', 1), TeamMemberRole: 'Solutions Consultant' });
  sf.putRecord('AccountTeamMember', { Id: sfId('01M', 2), TeamMemberRole: 'Sales Engineer' });
  const before = sf.queries.length;
  const team = (await syncAccounts(a.rt.deps, { crm: 'salesforce' })).find((r) => r.object === 'team');
  expect(team).toMatchObject({ mode: 'incremental', loaded: 2 });
  expect(sf.queries.slice(before).filter((q) => q.includes('FROM AccountTeamMember'))).toEqual([
    expect.stringContaining('SystemModstamp >= '),
  ]);
  expect(await both()).toEqual({ a: { rep: 'bo', rule: 'account-se' }, b: { rep: 'bo', rule: 'account-se' } });
});

it("a member removed in Salesforce leaves at the full sync's reconcile: the lead takes the fallback", async () => {
  // AccountTeamMember deletions are hard deletes (no recycle bin): no poll sees them.
  sf.deleteRecord('AccountTeamMember', sfId('01M', 2));
  const team = (await syncAccounts(a.rt.deps, { crm: 'salesforce', full: true })).find((r) => r.object === 'team');
  expect(team).toMatchObject({ mode: 'full', loaded: 1, deleted: 1 });
  expect(await teamRows()).toEqual([{ member_id: sfId('01M', 1), user_crm_id: ANA, role: 'Solutions Consultant' }]);
  const inB = await route(second.sys);
  expect({ rep: inB.rep_id, rule: inB.rule_id }).toEqual({ rep: 'cy', rule: 'account-se' });
  expect(inB.decision).toContain('account team role Sales Engineer is empty');
  expect(await routedIn(a)).toEqual({ rep: 'cy', rule: 'account-se' });
});

it('an org with Account Teams off: the sync says why (INVALID_TYPE), keeps no teams, and accountTeam falls back', async () => {
  // Added now: the poll reads it (its SystemModstamp is the stand-in's now).
  sf.putRecord('AccountTeamMember', { ...member(3, BO, 'Sales Engineer'), SystemModstamp: sfDateTime(new Date()) });
  await syncAccounts(a.rt.deps, { crm: 'salesforce' });
  expect(await both()).toEqual({ a: { rep: 'bo', rule: 'account-se' }, b: { rep: 'bo', rule: 'account-se' } });

  sf.accountTeams = false;
  const results = await syncAccounts(a.rt.deps, { crm: 'salesforce' });
  const reason = "INVALID_TYPE: sObject type 'AccountTeamMember' is not supported.";
  expect(results.map((r) => [r.object, r.unavailable?.slice(0, reason.length)])).toEqual([
    ['accounts', undefined],
    ['contacts', undefined],
    ['team', reason],
    ['leads', undefined],
  ]);
  const [cursor] = await a.sql.rows<{ status: string; last_error: string }>(
    `select status, last_error from crm_sync_cursors where crm = 'salesforce' and object = 'team'`,
  );
  expect(cursor!.status).toBe('done');
  expect(cursor!.last_error).toContain(reason);
  // The teams it held are gone with the feature: no route to a member the CRM no longer shows.
  expect(await teamRows()).toEqual([]);
  expect(await both()).toEqual({ a: { rep: 'cy', rule: 'account-se' }, b: { rep: 'cy', rule: 'account-se' } });
});
