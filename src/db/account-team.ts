// The account mirror's team members (Salesforce AccountTeamMember), one row per CRM member record:
// what an index holds as AccountRecord.team (readMirrorAccountPage reads them with each account).
// Every write here changes a team, so each one stamps the accounts it touched (changed_xid) in the
// caller's transaction: other processes' indexes follow the stamp (src/pipeline/account-follow.ts).
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { CrmName } from '../lead/index.js';
import { jsonParam, type DbOrTx } from './client.js';
import { crmAccountTeamMembers } from './schema.js';

export interface MirrorTeamMemberRow {
  memberId: string;
  accountId: string;
  userCrmId: string;
  role: string;
}

export async function upsertMirrorTeamMembers(
  db: DbOrTx,
  crm: CrmName,
  rows: readonly MirrorTeamMemberRow[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  const unique = [...new Map(rows.map((r) => [r.memberId, r])).values()];
  const page = unique.map((r) => ({
    member_id: r.memberId,
    account_id: r.accountId,
    user_crm_id: r.userCrmId,
    role: r.role,
  }));
  await db.execute(sql`
    insert into crm_account_team_members (crm, member_id, account_id, user_crm_id, role, synced_at)
    select ${crm}, x.member_id, x.account_id, x.user_crm_id, x.role, ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${jsonParam(page)}) as x(member_id text, account_id text, user_crm_id text, role text)
    on conflict (crm, member_id) do update set
      account_id = excluded.account_id, user_crm_id = excluded.user_crm_id, role = excluded.role,
      synced_at = excluded.synced_at`);
}

/** The accounts these member records belong to in the mirror now (a record moved leaves its old account's team). */
export async function readMirrorTeamAccounts(
  db: DbOrTx,
  crm: CrmName,
  memberIds: readonly string[],
): Promise<string[]> {
  if (memberIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ accountId: crmAccountTeamMembers.accountId })
    .from(crmAccountTeamMembers)
    .where(and(eq(crmAccountTeamMembers.crm, crm), inArray(crmAccountTeamMembers.memberId, [...memberIds])));
  return rows.map((r) => r.accountId);
}

/**
 * Members a complete full team sync did not see (removed in the CRM: AccountTeamMember deletions
 * are hard deletes, never in the recycle bin). Returns how many, and the accounts whose teams shrank.
 */
export async function deleteUnseenMirrorTeamMembers(
  db: DbOrTx,
  crm: CrmName,
  syncStartedAt: Date,
): Promise<{ removed: number; accountIds: string[] }> {
  const rows = await db
    .delete(crmAccountTeamMembers)
    .where(and(eq(crmAccountTeamMembers.crm, crm), lt(crmAccountTeamMembers.syncedAt, syncStartedAt)))
    .returning({ accountId: crmAccountTeamMembers.accountId });
  return { removed: rows.length, accountIds: [...new Set(rows.map((r) => r.accountId))] };
}
