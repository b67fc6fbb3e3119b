// Can this rep take this lead now? One check shared by every path (pool member, named rep,
// account owner, sticky owner, overflow rep), so "never assign someone away, off hours, over a
// cap or missing a skill" holds whichever way a lead reaches a rep. Checks run cheapest and most
// permanent first; the first failing one is the reason recorded.
// Time off comes from two places: the config's `away` ranges and the availability API's status
// (RoutingState.availability, rep-status.ts), which may also cut a config range short ("back").
import type { CompiledRep } from './compile.js';
import { capReached } from './caps.js';
import { crmOwnerIdOf } from './crm-owner-id.js';
import { counter, localTime, type DecideContext, type Needs } from './context.js';
import type { LocalTime } from './local-time.js';
import { awayByStatus } from './rep-status.js';
import { awayRange, offHours } from './working-hours.js';
import type { Reason, SkipCode } from './types.js';

function skip(code: SkipCode, rep: CompiledRep, poolId: string | undefined, detail?: string): Reason {
  const r: Reason = { code, repId: rep.id };
  if (poolId !== undefined) r.poolId = poolId;
  if (detail !== undefined) r.detail = detail;
  return r;
}

/** Why the rep is away now (API status first, then config ranges not ended by a "back"); undefined when not. */
function awayNow(rep: CompiledRep, ctx: DecideContext, local: LocalTime): string | undefined {
  const status = ctx.state.availability?.[rep.id];
  if (status === undefined) return awayRange(rep.schedule, local, ctx.nowMs);
  const byApi = awayByStatus(status, ctx.nowMs);
  if (byApi !== undefined) return used(ctx, rep, byApi);
  const range = awayRange(rep.schedule, local, ctx.nowMs);
  if (range === undefined || status.status !== 'back') return range;
  // Marked back: the ranges already running at that moment are over; a later one still counts.
  const sinceMs = Date.parse(status.since);
  if (sinceMs > ctx.nowMs) return range;
  const still = awayRange(rep.schedule, local, ctx.nowMs, { local: rep.clock!.at(new Date(sinceMs)), ms: sinceMs });
  return still === undefined ? used(ctx, rep, undefined) : still;
}

/** Notes that the API status decided this rep's availability (decide copies it to trace.availability). */
function used<T>(ctx: DecideContext, rep: CompiledRep, result: T): T {
  (ctx.availabilityUsed ??= {})[rep.id] = ctx.state.availability![rep.id]!;
  return result;
}

/** undefined when the rep can take the lead; else the skip reason for the trace. */
export function checkRep(rep: CompiledRep, ctx: DecideContext, needs: Needs, poolId?: string): Reason | undefined {
  const r = rep.rep;
  if (!r.active) return skip('REP_INACTIVE', rep, poolId);
  if (crmOwnerIdOf(rep.rep, ctx.crm) === undefined) return skip('REP_NO_CRM_ID', rep, poolId, `no ${ctx.crm} owner id`);
  const local = localTime(rep, ctx);
  if (!local) return skip('REP_OFF_HOURS', rep, poolId, `invalid time zone ${r.timeZone}`);
  const ignore = needs.ignore;
  if (!ignore?.has('away')) {
    const away = awayNow(rep, ctx, local);
    if (away !== undefined) return skip('REP_AWAY', rep, poolId, away);
  }
  const off = offHours(rep.schedule, local);
  if (off !== undefined && !ignore?.has(off.holiday ? 'holiday' : 'off_hours'))
    return skip(off.holiday ? 'REP_HOLIDAY' : 'REP_OFF_HOURS', rep, poolId, off.detail);
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
