// A config whose first rule routes a lead to its matched CRM account's owner (fallback: cy's pool),
// with the three e2e reps holding both a HubSpot owner id and a Salesforce user id, written to a
// temporary folder for CONFIG_FILE. Used by the account-reassignment e2e tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SF_REP_USERS } from './salesforce-outbound.js';

const [ANA, BO, CY] = SF_REP_USERS.map((u) => u.Id);

export const accountOwnerRouting = {
  reps: [
    { id: 'ana', email: 'ana@example.com', crmIds: { hubspot: '101', salesforce: ANA } },
    { id: 'bo', email: 'bo@example.com', crmIds: { hubspot: '102', salesforce: BO } },
    { id: 'cy', email: 'cy@example.com', crmIds: { hubspot: '103', salesforce: CY } },
  ],
  pools: [{ id: 'inbound', strategy: 'round_robin', members: ['cy'] }],
  rules: [
    {
      id: 'account-owner',
      when: { field: 'account.matched', op: 'eq', value: true },
      action: { accountOwner: true, fallback: { pool: 'inbound' } },
    },
    { id: 'all', when: { match: 'always' }, action: { pool: 'inbound' } },
  ],
};

/** Writes { mappings, routing: accountOwnerRouting } to a temporary config file. */
export function writeAccountOwnerConfig(mappings: Record<string, unknown>): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'lr-account-owner-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, JSON.stringify({ mappings, routing: accountOwnerRouting }));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
