// Can this rep take this lead now? One check shared by every path (pool member, named rep,
// account owner, sticky owner, overflow rep), so "never assign someone away, off hours, over a
// cap or missing a skill" holds whichever way a lead reaches a rep. Checks run cheapest and most
// permanent first; the first failing one is the reason recorded.
import type { CompiledRep } from './compile.js';
import { capReached } from './caps.js';
import { counter, crmOwnerIdOf, localTime, type DecideContext, type Needs } from './context.js';
import { awayRange, offHours } from './working-hours.js';
import type { Reason, SkipCode } from './types.js';

function skip(code: SkipCode, rep: CompiledRep, poolId: string | undefined, detail?: string): Reason {
  const r: Reason = { code, repId: rep.id };
  if (poolId !== undefined) r.poolId = poolId;
  if (detail !== undefined) r.detail = detail;
  return r;
}

/** undefined when the rep can take the lead; else the skip reason for the trace. */
export function checkRep(rep: CompiledRep, ctx: DecideContext, needs: Needs, poolId?: string): Reason | undefined {
  const r = rep.rep;
  if (!r.active) return skip('REP_INACTIVE', rep, poolId);
  if (crmOwnerIdOf(rep, ctx.crm) === undefined) return skip('REP_NO_CRM_ID', rep, poolId, `no ${ctx.crm} owner id`);
  const local = localTime(rep, ctx);
  if (!local) return skip('REP_OFF_HOURS', rep, poolId, `invalid time zone ${r.timeZone}`);
  const away = awayRange(rep.schedule, local, ctx.nowMs);
  if (away !== undefined) return skip('REP_AWAY', rep, poolId, away);
  const off = offHours(rep.schedule, local);
  if (off !== undefined) return skip('REP_OFF_HOURS', rep, poolId, off);
  for (const s of needs.skills) if (!rep.skills.has(s)) return skip('REP_MISSING_SKILL', rep, poolId, `skill ${s}`);
  if (needs.language && ctx.language !== undefined && !rep.languages.has(ctx.language)) {
    return skip('REP_MISSING_SKILL', rep, poolId, `language ${ctx.language}`);
  }
  if (poolId === undefined || ctx.compiled.pools.get(poolId)?.pool.countsTowardCaps !== false) {
    const cap = capReached(rep, ctx, local);
    if (cap) return skip(cap.code, rep, poolId, cap.detail);
  }
  if (r.maxOpen !== undefined) {
    const n = counter(ctx, rep.openKey);
    if (n >= r.maxOpen) return skip('REP_OPEN_CEILING', rep, poolId, `${n}/${r.maxOpen} open`);
  }
  return undefined;
}
