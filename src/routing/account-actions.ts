// Actions that route to a person named by CRM data rather than by the config: the matched
// account's owner (after rollUpToParent), a user in one of the account's lookup fields (a CSM,
// a partner manager), a member of the account team with a role, or the owner of an existing
// contact (preferred) or lead with the lead's email. Each maps a CRM user id to our rep through
// the reps' crmIds; someone who is not our rep, or cannot take the lead, hands it to the fallback.
import { matchedAccount, fieldOf, repForCrmUser } from './accounts.js';
import type { CompiledRep } from './compile.js';
import type { DecideContext, Needs } from './context.js';
import type { Outcome } from './outcome.js';
import type { ChoiceCode, Reason, UnassignedCode } from './types.js';

/** A person found, or the unassigned code to use (with the fallback) when there is none. */
export type Found = { rep: CompiledRep; code: ChoiceCode; detail: string } | { none: UnassignedCode };

export type AccountAction =
  | { accountOwner: true }
  | { accountUser: { field: string } }
  | { accountTeam: { role: string } }
  | { existingOwner: true };

function accountPerson(action: AccountAction, ctx: DecideContext, reasons: Reason[]): Found {
  const account = matchedAccount(ctx);
  if (!account) {
    reasons.push({ code: 'NO_ACCOUNT_MATCH' });
    return { none: 'NO_ACCOUNT_MATCH' };
  }
  const m = account.match;
  reasons.push({
    code: 'ACCOUNT_MATCHED',
    ...(account.owner !== undefined && { repId: account.owner }),
    detail: `${account.source} account ${account.id} by ${m.method} ${m.key}${m.tieBreak ? ` (tie-break ${m.tieBreak} of ${m.candidates.length})` : ''}`,
  });
  if ('accountOwner' in action) {
    const owning = m.ultimateParent ?? m.account;
    if (account.owner === undefined) {
      reasons.push({
        code: 'REP_UNKNOWN',
        detail: `account owner ${account.ownerCrmId ?? '(none)'} is not a routed rep`,
      });
      return { none: 'ACCOUNT_OWNER_AWAY' };
    }
    const rep = ctx.compiled.reps.get(account.owner);
    const of = owning === m.account ? `account ${account.id}` : `top parent ${owning.id} of account ${account.id}`;
    if (!rep) {
      reasons.push({ code: 'REP_UNKNOWN', repId: account.owner });
      return { none: 'ACCOUNT_OWNER_AWAY' };
    }
    return { rep, code: 'ACCOUNT_OWNER', detail: `owns ${of}` };
  }
  const record = account.record;
  let userId: string | undefined;
  let what: string;
  if ('accountUser' in action) {
    const v = record && fieldOf(record.fields, action.accountUser.field);
    userId = typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
    what = `account field ${action.accountUser.field}`;
  } else {
    const role = (action as { accountTeam: { role: string } }).accountTeam.role.toLowerCase();
    userId = record?.team?.find((t) => t.role.toLowerCase() === role)?.userCrmId;
    what = `account team role ${(action as { accountTeam: { role: string } }).accountTeam.role}`;
  }
  const rep = record && userId !== undefined ? repForCrmUser(ctx.compiled, record, userId) : undefined;
  if (!rep) {
    // HubSpot has no team-role API for companies: the mirror never holds a team for one (docs/routing.md).
    const why =
      'accountTeam' in action && record?.crm === 'hubspot'
        ? ': HubSpot companies have no account team (accountTeam reads Salesforce AccountTeamMember)'
        : '';
    reasons.push({
      code: 'NO_ACCOUNT_USER',
      detail: userId ? `${what} is ${userId}, not a routed rep` : `${what} is empty${why}`,
    });
    return { none: 'NO_ACCOUNT_USER' };
  }
  const code = 'accountUser' in action ? 'ACCOUNT_USER' : 'ACCOUNT_TEAM';
  return { rep, code, detail: `${what} on account ${account.id}` };
}

function existingPerson(ctx: DecideContext, reasons: Reason[]): Found {
  const source = ctx.lead.source;
  for (const p of ctx.options.existingRecords ?? []) {
    // The lead's own CRM record is not an "existing" one.
    if (p.crm === source.crm && p.id === source.id) continue;
    const rep = p.ownerCrmId === null ? undefined : ctx.compiled.repsByCrmId[p.crm].get(p.ownerCrmId);
    if (!rep) continue;
    reasons.push({ code: 'EXISTING_RECORD', repId: rep.id, detail: `${p.crm} ${p.kind} ${p.id} has ${p.email}` });
    return { rep, code: 'EXISTING_OWNER', detail: `owns ${p.crm} ${p.kind} ${p.id}` };
  }
  reasons.push({ code: 'NO_EXISTING_RECORD' });
  return { none: 'NO_EXISTING_RECORD' };
}

/** The person an account/existing-record action names, checked for availability like any rep. */
export function resolveAccountAction(
  action: AccountAction,
  ctx: DecideContext,
  needs: Needs,
  reasons: Reason[],
  tryRep: (rep: CompiledRep, ctx: DecideContext, needs: Needs, reasons: Reason[]) => boolean,
): Outcome | UnassignedCode {
  const found = 'existingOwner' in action ? existingPerson(ctx, reasons) : accountPerson(action, ctx, reasons);
  if ('none' in found) return found.none;
  if (!tryRep(found.rep, ctx, needs, reasons))
    return found.code === 'ACCOUNT_OWNER' ? 'ACCOUNT_OWNER_AWAY' : 'REP_UNAVAILABLE';
  reasons.push({ code: found.code, repId: found.rep.id, detail: found.detail });
  return { kind: 'rep', rep: found.rep, code: found.code };
}
