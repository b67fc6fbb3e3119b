// Following a rule's action: a pool, a named rep, a person named by CRM data (account-actions.ts)
// or a CRM queue. A rep or account person who cannot take the lead hands it to the action's fallback; with no fallback
// the lead is unassigned with a code saying why (REP_UNAVAILABLE, ACCOUNT_OWNER_AWAY, ...).
import { resolveAccountAction } from './account-actions.js';
import { checkRep } from './availability.js';
import type { CompiledRep } from './compile.js';
import type { Action } from './config-schema.js';
import type { DecideContext, Needs } from './context.js';
import type { Outcome } from './outcome.js';
import { queueOutcome, routeToPool } from './pool.js';
import type { Reason, UnassignedCode } from './types.js';

function orFallback(
  action: Action,
  code: UnassignedCode,
  ctx: DecideContext,
  needs: Needs,
  reasons: Reason[],
): Outcome {
  if ('fallback' in action && action.fallback) {
    reasons.push({ code: 'FALLBACK', detail: describeAction(action.fallback) });
    return resolveAction(action.fallback, ctx, needs, reasons);
  }
  return { kind: 'none', code };
}

function tryRep(
  rep: CompiledRep | undefined,
  repId: string,
  ctx: DecideContext,
  needs: Needs,
  reasons: Reason[],
): boolean {
  const skip = rep ? checkRep(rep, ctx, needs) : { code: 'REP_UNKNOWN' as const, repId };
  if (skip) reasons.push(skip);
  return !skip;
}

export function resolveAction(action: Action, ctx: DecideContext, needs: Needs, reasons: Reason[]): Outcome {
  if ('pool' in action) return routeToPool(action.pool, ctx, needs, reasons, new Set());
  if ('queue' in action) return queueOutcome(action.queue, ctx, reasons) ?? { kind: 'none', code: 'NO_CRM_OWNER' };
  if ('skip' in action) {
    reasons.push({ code: 'SKIPPED', detail: action.skip.reason });
    return { kind: 'skip', reason: action.skip.reason };
  }
  if ('rep' in action) {
    const rep = ctx.compiled.reps.get(action.rep);
    if (tryRep(rep, action.rep, ctx, needs, reasons) && rep) {
      reasons.push({ code: 'NAMED_REP', repId: rep.id });
      return { kind: 'rep', rep, code: 'NAMED_REP' };
    }
    return orFallback(action, 'REP_UNAVAILABLE', ctx, needs, reasons);
  }
  const result = resolveAccountAction(action, ctx, needs, reasons, (rep, c, n, r) => tryRep(rep, rep.id, c, n, r));
  return typeof result === 'string' ? orFallback(action, result, ctx, needs, reasons) : result;
}

/** Sticky routing: the CRM's current owner, if they are our rep and can take the lead, keeps it. */
export function stickyOwner(ctx: DecideContext, needs: Needs, reasons: Reason[]): Outcome | undefined {
  const current = ctx.lead.currentOwnerId;
  if (current === undefined) return undefined;
  const rep = ctx.compiled.repsByCrmId[ctx.crm].get(current);
  if (!rep) {
    reasons.push({ code: 'STICKY_OWNER_UNKNOWN', detail: `current owner ${current} is not a routed rep` });
    return undefined;
  }
  if (!tryRep(rep, rep.id, ctx, needs, reasons)) return undefined;
  reasons.push({ code: 'STICKY_OWNER', repId: rep.id, detail: `already owns the record in ${ctx.crm}` });
  return { kind: 'rep', rep, code: 'STICKY_OWNER' };
}

export function describeAction(action: Action): string {
  if ('pool' in action) return `pool ${action.pool}`;
  if ('queue' in action) return `queue ${action.queue}`;
  if ('rep' in action) return `rep ${action.rep}`;
  if ('skip' in action) return `skip (${action.skip.reason})`;
  if ('accountUser' in action) return `account user in ${action.accountUser.field}`;
  if ('accountTeam' in action) return `account team ${action.accountTeam.role}`;
  if ('existingOwner' in action) return 'existing record owner';
  return 'account owner';
}
