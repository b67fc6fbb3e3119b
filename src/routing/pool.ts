// Routing into a pool: the strategy picks a member; when nobody can take the lead the pool may
// hold it (queueWhenFull), then follows its overflow chain (pools, reps, CRM queues) in order,
// then, if it opted in (assignAnyway), picks a member who is off hours or away, and only then
// reports POOL_EXHAUSTED. Never a silent drop.
import { checkRep } from './availability.js';
import type { CompiledPool } from './compile.js';
import { crmOwnerIdOf } from './crm-owner-id.js';
import { mergeNeeds, type DecideContext, type Needs } from './context.js';
import { pickLeastLoaded } from './least-loaded.js';
import type { Outcome } from './outcome.js';
import { candidatesOf } from './pool-members.js';
import { pickLeastRecentlyAssigned, pickRoundRobin } from './round-robin.js';
import type { Reason } from './types.js';
import { pickWeighted } from './weighted-round-robin.js';

function pickMember(pool: CompiledPool, ctx: DecideContext, needs: Needs, reasons: Reason[]): Outcome | undefined {
  const strategy = pool.pool.strategy;
  const inLine = strategy === 'round_robin' || strategy === 'least_recently_assigned';
  // A line without tiers is walked from the front, checking availability only until someone can take the lead.
  if (inLine && pool.pool.priority === undefined) {
    return strategy === 'round_robin'
      ? pickRoundRobin(pool, undefined, ctx, needs, reasons)
      : pickLeastRecentlyAssigned(pool, undefined, ctx, needs, reasons);
  }
  const cands = candidatesOf(pool, ctx, needs, reasons);
  if (!cands) return undefined;
  switch (strategy) {
    case 'round_robin':
      return pickRoundRobin(pool, cands, ctx, needs, reasons);
    case 'weighted_round_robin':
      return pickWeighted(pool, cands, ctx, reasons);
    case 'least_loaded':
      return pickLeastLoaded(pool, cands, ctx, reasons);
    case 'least_recently_assigned':
      return pickLeastRecentlyAssigned(pool, cands, ctx, needs, reasons);
  }
}

/** A CRM queue as owner: needs an id in the lead's CRM (api falls back to the queue id). */
export function queueOutcome(
  queueId: string,
  ctx: DecideContext,
  reasons: Reason[],
  poolId?: string,
): Outcome | undefined {
  const queue = ctx.compiled.queues.get(queueId);
  const crmOwnerId = queue && crmOwnerIdOf(queue, ctx.crm);
  if (!queue || crmOwnerId === undefined) {
    reasons.push({
      code: 'REP_NO_CRM_ID',
      detail: `queue ${queueId} has no ${ctx.crm} id`,
      ...(poolId ? { poolId } : {}),
    });
    return undefined;
  }
  reasons.push({ code: 'CRM_QUEUE', detail: `queue ${queue.id}`, ...(poolId ? { poolId } : {}) });
  return { kind: 'queue', queue, crmOwnerId, ...(poolId ? { poolId } : {}) };
}

/**
 * @param entry true for the pool an action names; only it may queue the lead (a lead waits
 *   for the team it was routed to, not for an overflow team).
 */
export function routeToPool(
  poolId: string,
  ctx: DecideContext,
  needs: Needs,
  reasons: Reason[],
  visited: Set<string>,
  entry = true,
): Outcome {
  const pool = ctx.compiled.pools.get(poolId);
  if (!pool) {
    reasons.push({ code: 'POOL_UNKNOWN', poolId });
    return { kind: 'none', code: 'POOL_EXHAUSTED', poolId };
  }
  visited.add(poolId);
  const poolNeeds = mergeNeeds(needs, pool.requiredSkills, pool.pool.requireLanguage);
  const picked = pickMember(pool, ctx, poolNeeds, reasons);
  if (picked) return picked;
  reasons.push({ code: 'POOL_EMPTY_HANDED', poolId });

  const wait = pool.pool.queueWhenFull;
  if (entry && wait) {
    const sinceMs = ctx.options.queuedSince?.getTime() ?? ctx.nowMs;
    const untilMs = sinceMs + wait.maxWaitMinutes * 60_000;
    if (ctx.nowMs < untilMs) {
      const queuedUntil = new Date(untilMs).toISOString();
      reasons.push({ code: 'QUEUED', poolId, detail: `until ${queuedUntil}` });
      return { kind: 'queued', poolId, queuedUntil };
    }
    reasons.push({ code: 'QUEUE_EXPIRED', poolId, detail: `waited ${wait.maxWaitMinutes} min` });
  }

  for (const target of pool.pool.overflow) {
    if ('pool' in target) {
      if (visited.has(target.pool)) continue; // a cycle: validation rejects it, decide just stops
      reasons.push({ code: 'OVERFLOW', poolId, detail: `to pool ${target.pool}` });
      const next = routeToPool(target.pool, ctx, needs, reasons, visited, false);
      if (next.kind !== 'none') return next;
    } else if ('rep' in target) {
      reasons.push({ code: 'OVERFLOW', poolId, detail: `to rep ${target.rep}` });
      const rep = ctx.compiled.reps.get(target.rep);
      const skip = rep ? checkRep(rep, ctx, needs) : { code: 'REP_UNKNOWN' as const, repId: target.rep };
      if (rep && !skip) {
        reasons.push({ code: 'NAMED_REP', repId: rep.id, poolId, detail: 'overflow rep' });
        return { kind: 'rep', rep, code: 'NAMED_REP', poolId };
      }
      if (skip) reasons.push(skip);
    } else {
      reasons.push({ code: 'OVERFLOW', poolId, detail: `to queue ${target.queue}` });
      const q = queueOutcome(target.queue, ctx, reasons, poolId);
      if (q) return q;
    }
  }
  if (entry && pool.pool.assignAnyway) {
    const anyway = assignAnyway(pool, ctx, poolNeeds, reasons);
    if (anyway) return anyway;
  }
  return { kind: 'none', code: 'POOL_EXHAUSTED', poolId };
}

/**
 * The last resort a pool may opt into: the strategy runs again with the listed availability
 * checks waived, so rotation (and its state) moves as for any pick; everything else (inactive,
 * skills, caps, top tier) still holds. Only the entry pool does this, after its overflow chain.
 */
function assignAnyway(pool: CompiledPool, ctx: DecideContext, needs: Needs, reasons: Reason[]): Outcome | undefined {
  const ignore = pool.pool.assignAnyway!.ignore;
  reasons.push({
    code: 'ASSIGNED_ANYWAY',
    poolId: pool.id,
    detail: `nobody available: picking again ignoring ${ignore.join(', ')}`,
  });
  const picked = pickMember(pool, ctx, { ...needs, ignore: new Set(ignore) }, reasons);
  if (!picked || picked.kind !== 'rep') return picked;
  reasons.push({
    code: 'ASSIGNED_ANYWAY',
    repId: picked.rep.id,
    poolId: pool.id,
    detail: `picked by ${picked.code} though not available`,
  });
  return { ...picked, code: 'ASSIGNED_ANYWAY' };
}
