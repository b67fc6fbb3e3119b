// The periodic CRM user check lists owners as background work (behind owner writes in each
// connector's budget, as the account mirror's reads) and without queues: both connectors pass
// `background` to every call they make for it, and Salesforce skips its Group query.
import type { Connection } from 'jsforce';
import { describe, expect, it } from 'vitest';
import type { HubSpotApis } from '../../../connectors/hubspot/client.js';
import { listOwners as listHubSpotOwners } from '../../../connectors/hubspot/list-owners.js';
import type { CallHubSpot } from '../../../connectors/hubspot/request.js';
import type { ApiContext } from '../../../connectors/salesforce/api-context.js';
import { listOwners as listSalesforceOwners } from '../../../connectors/salesforce/list-owners.js';
import type { ListOwnersOptions } from '../../../src/connector.js';

function hubspot() {
  const calls: Array<{ what: string; background: boolean }> = [];
  const apis = {
    owners: {
      getPage: async (_email: string | undefined, _after: string | undefined, _limit: number, archived: boolean) => ({
        results: archived
          ? [{ id: '3', type: 'PERSON', email: 'cy@example.com', archived: true }]
          : [
              { id: '1', type: 'PERSON', email: 'ana@example.com' },
              { id: '2', type: 'QUEUE' },
            ],
      }),
    },
  } as unknown as HubSpotApis;
  const call: CallHubSpot = (what, fn, opts) => {
    calls.push({ what, background: opts?.background === true });
    return fn();
  };
  return { calls, list: (opts?: ListOwnersOptions) => listHubSpotOwners({ apis, call }, opts) };
}

function salesforce() {
  const calls: Array<{ soql: string; background: boolean }> = [];
  let background = false;
  const conn = {
    query: async (soql: string) => {
      calls.push({ soql, background });
      return {
        done: true,
        records: soql.includes('FROM Group')
          ? [{ Id: '00G000000000001AAA', Name: 'Queue' }]
          : [{ Id: '005000000000001AAA', Name: 'Ana', IsActive: false }],
      };
    },
  } as unknown as Connection;
  const ctx = {
    config: { maxRetries: 0, maxRetryWaitMs: 0 },
    session: { ensure: async () => conn },
    budget: {
      run: async <T>(fn: () => Promise<T>, _usage: unknown, opts?: { background?: boolean }) => {
        background = opts?.background === true;
        return fn();
      },
    },
    secrets: () => [],
    now: () => new Date(),
    sleep: async () => {},
    random: () => 0.5,
  } as unknown as ApiContext;
  return { calls, list: (opts?: ListOwnersOptions) => listSalesforceOwners(ctx, opts) };
}

describe('listOwners for the CRM user check', () => {
  it('HubSpot: every owner page as background work; usersOnly leaves queues out', async () => {
    const hs = hubspot();
    expect(await hs.list({ includeInactive: true, background: true, usersOnly: true })).toEqual([
      { id: '1', kind: 'user', email: 'ana@example.com', active: true },
      { id: '3', kind: 'user', email: 'cy@example.com', active: false },
    ]);
    expect(hs.calls).toEqual([
      { what: 'list owners', background: true },
      { what: 'list owners (archived)', background: true },
    ]);
  });

  it('HubSpot: reps import and the rest stay foreground, with queues', async () => {
    const hs = hubspot();
    expect((await hs.list()).map((o) => o.kind)).toEqual(['user', 'queue', 'user']);
    expect(hs.calls.map((c) => c.background)).toEqual([false, false]);
  });

  it('Salesforce: one background query of User (deactivated included), no Group query', async () => {
    const sf = salesforce();
    expect(await sf.list({ includeInactive: true, background: true, usersOnly: true })).toEqual([
      { id: '005000000000001AAA', kind: 'user', active: false, name: 'Ana' },
    ]);
    expect(sf.calls).toEqual([
      { soql: "SELECT Id, Name, Email, IsActive FROM User WHERE UserType = 'Standard'", background: true },
    ]);
  });

  it('Salesforce: without options, users and queues in the foreground', async () => {
    const sf = salesforce();
    expect((await sf.list()).map((o) => o.kind)).toEqual(['user', 'queue']);
    expect(sf.calls.map((c) => c.background)).toEqual([false, false]);
  });
});
