// A lead routes to the owner of a mirrored CRM account: the pipeline asks deps.accounts (filled
// directly here, as the mirror fills it at runtime) and decide routes to the owner's rep. A
// reassignment in the CRM, upserted a moment before the lead arrives, sends it to the new owner.
// routeBatch is called directly (no worker).
import { expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccountIndex } from '../../src/accounts/index.js';
import { ingestApiLead, routeBatch } from '../../src/pipeline/index.js';
import { aCrmAccount } from '../builders/index.js';
import { useTestSystem } from '../support/system.js';

const routing = {
  reps: [
    { id: 'ana', crmIds: { hubspot: '101' } },
    { id: 'bo', crmIds: { hubspot: '102' } },
    { id: 'cy', crmIds: { hubspot: '103' } },
  ],
  pools: [{ id: 'inbound', strategy: 'round_robin', members: ['cy'] }],
  accountMatching: { crossTld: true },
  rules: [
    {
      id: 'enterprise-accounts',
      when: {
        all: [
          { field: 'account.matched', op: 'eq', value: true },
          { field: 'account.tier', op: 'eq', value: 'enterprise' },
        ],
      },
      action: { accountOwner: true, fallback: { pool: 'inbound' } },
    },
    { id: 'all', when: { match: 'always' }, action: { pool: 'inbound' } },
  ],
};
const mappings = {
  'api/lead': {
    fields: [
      { from: 'email', to: 'email' },
      { from: 'website', to: 'websiteDomain' },
    ],
  },
};

let dir: string;
const sys = useTestSystem(() => {
  dir = mkdtempSync(join(tmpdir(), 'lr-accounts-'));
  writeFileSync(join(dir, 'config.yaml'), JSON.stringify({ mappings, routing }));
  return {
    env: { CONFIG_FILE: join(dir, 'config.yaml') },
    migrate: true,
    after: () => rmSync(dir, { recursive: true, force: true }),
  };
});

const route = async (key: string, lead: Record<string, string>) => {
  const { eventId } = await ingestApiLead(sys.rt.deps, { source: 'web', idempotencyKey: key, lead });
  await routeBatch(sys.rt.deps, [eventId]);
  const [row] = await sys.sql.rows<{ rep_id: string | null; rule_id: string; account: unknown }>(
    `select rep_id, rule_id, decision->'trace'->'account' as account from assignments where event_id = $1`,
    [eventId],
  );
  return row;
};

it('routes a lead to the owner of its mirrored account, and to the new owner after a reassignment', async () => {
  const accounts = createAccountIndex();
  const globex = aCrmAccount({
    crm: 'hubspot',
    id: '9001',
    name: 'Globex',
    websites: ['globex.com'],
    ownerCrmId: '101',
    fields: { tier: 'Enterprise' },
  });
  accounts.upsert(globex);
  accounts.upsert(
    aCrmAccount({ crm: 'hubspot', id: '9002', websites: ['smallco.com'], ownerCrmId: '102', fields: { tier: 'SMB' } }),
  );
  sys.rt.deps.accounts = accounts;

  expect(await route('acct-lead-0001', { email: 'jo@eu.globex.com' })).toEqual({
    rep_id: 'ana',
    rule_id: 'enterprise-accounts',
    account: {
      matched: true,
      source: 'crm',
      accountId: '9001',
      method: 'email_domain',
      key: 'globex.com',
      leadValue: 'eu.globex.com',
      candidates: ['9001'],
      confidence: 0.931,
    },
  });
  // Cross-TLD (on in this config): globex.de finds globex.com.
  expect(await route('acct-lead-0002', { email: 'max@globex.de' })).toMatchObject({
    rep_id: 'ana',
    rule_id: 'enterprise-accounts',
  });
  // Not enterprise: the rule does not fire.
  expect(await route('acct-lead-0003', { email: 'al@smallco.com' })).toMatchObject({ rep_id: 'cy', rule_id: 'all' });

  // Reassigned in the CRM a moment ago: the mirror upserts the record, the next lead goes to bo.
  accounts.upsert({ ...globex, ownerCrmId: '102' });
  expect(await route('acct-lead-0004', { email: 'kim@globex.com' })).toMatchObject({
    rep_id: 'bo',
    rule_id: 'enterprise-accounts',
  });
});
