// Who can own a record: active users (matched to reps by id or email) and lead queues.
// Queues are Group rows of Type 'Queue'; their ids (00G...) are valid OwnerId values.
import type { CrmOwner, ListOwnersOptions } from '../../src/connector.js';
import { callApi, type ApiContext } from './api-context.js';
import { queryAll } from './soql.js';

// Standard users only: portal/community and automated users cannot own leads.
export const USERS_SOQL = "SELECT Id, Name, Email, IsActive FROM User WHERE IsActive = true AND UserType = 'Standard'";
/** Deactivated users too, for reps import (a deactivated user's rep is marked away). */
export const ALL_USERS_SOQL = "SELECT Id, Name, Email, IsActive FROM User WHERE UserType = 'Standard'";
export const QUEUES_SOQL = "SELECT Id, Name, Email FROM Group WHERE Type = 'Queue'";

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export async function listOwners(ctx: ApiContext, opts: ListOwnersOptions = {}): Promise<CrmOwner[]> {
  const soql = opts.includeInactive ? ALL_USERS_SOQL : USERS_SOQL;
  const background = { background: opts.background === true };
  const users = await callApi(ctx, 'query User', (conn) => queryAll(conn, soql), background);
  const queues = opts.usersOnly
    ? []
    : await callApi(ctx, 'query Group', (conn) => queryAll(conn, QUEUES_SOQL), background);
  return [
    ...users.map((u) => owner(u, 'user', u['IsActive'] !== false)),
    ...queues.map((q) => owner(q, 'queue', true)),
  ];
}

function owner(row: Record<string, unknown> & { Id: string }, kind: CrmOwner['kind'], active: boolean): CrmOwner {
  const email = str(row['Email']);
  const name = str(row['Name']);
  return { id: row.Id, kind, active, ...(email ? { email } : {}), ...(name ? { name } : {}) };
}
