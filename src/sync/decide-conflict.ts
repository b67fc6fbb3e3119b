// What to do about a manual owner change (classifyOwnershipChange said 'manual'):
// - crm_wins: adopt the person's owner; counters (open, day, week) move with the lead.
// - router_wins: write our owner back, at most maxReverts times per lead; after that adopt and
//   say so ('gave_up_adopted'), so two systems that both insist never loop.
// - lock_window: adopt, never write ours back. A change within `minutes` of our write corrects our
//   routing, so the counters move as under crm_wins ('adopted'); a later one is a handover of a
//   lead the rep already held, so our routing decision is locked in: the day/week caps it charged
//   stay charged and only open loads move ('adopted_after_window').
// Every adoption cancels the lead's SLA timer: the owner it ran for is gone.
import type { CrmName } from '../lead/index.js';
import type { ConflictPolicy, RoutingConfig } from '../routing/index.js';
import { counterDeltasForMove } from './counter-moves.js';
import { findRepByCrmId, resolveOwner, type ResolvedOwner } from './owners.js';

export type ConflictOutcome = 'adopted' | 'adopted_after_window' | 'reverted' | 'gave_up_adopted';

export interface ConflictContext {
  config: RoutingConfig;
  crm: CrmName;
  /** CRM owner id before the change (leads.crm_owner_id). */
  previousOwnerId: string | null;
  /** When the previous owner got the lead (routed, or adopted); their day/week charge is given back for that date. */
  previousOwnerSince?: Date | null;
  /** CRM owner id the person set (null = cleared). */
  newOwnerId: string | null;
  /** When the person changed it (the event's occurredAt). */
  changedAt: Date;
  /** The CRM owner id routing chose (our latest write); what router_wins writes back. */
  routerOwnerId: string | null;
  /** When our latest write was made (lock_window measures from it). */
  routerWrittenAt?: Date | null;
  /** Reverts already made for this lead since it was routed (conflict rows with outcome 'reverted'). */
  revertsSoFar: number;
}

export type ConflictDecision =
  | {
      action: 'adopt';
      outcome: Exclude<ConflictOutcome, 'reverted'>;
      policy: ConflictPolicy['policy'];
      owner: ResolvedOwner;
      /** Increments for routing counters (docs/routing.md keys). */
      counterDeltas: Record<string, number>;
      cancelSlaTimer: true;
      reason: string;
    }
  | {
      action: 'revert';
      outcome: 'reverted';
      policy: 'router_wins';
      /** CRM owner id to write back (a new outbox row). */
      ownerId: string;
      repId: string | null;
      /** 1 for the first revert of this lead. */
      attempt: number;
      reason: string;
    };

function adopt(
  ctx: ConflictContext,
  policy: ConflictPolicy['policy'],
  outcome: Exclude<ConflictOutcome, 'reverted'>,
  reason: string,
  periods = true,
): ConflictDecision {
  const fromRep = findRepByCrmId(ctx.config, ctx.crm, ctx.previousOwnerId);
  const toRep = findRepByCrmId(ctx.config, ctx.crm, ctx.newOwnerId);
  const same = fromRep !== undefined && fromRep === toRep;
  const counterDeltas = same
    ? {}
    : counterDeltasForMove({
        from: fromRep && { rep: fromRep, since: ctx.previousOwnerSince ?? null },
        to: toRep && { rep: toRep, at: ctx.changedAt },
        periods,
      });
  return {
    action: 'adopt',
    outcome,
    policy,
    owner: resolveOwner(ctx.config, ctx.crm, ctx.newOwnerId),
    counterDeltas,
    cancelSlaTimer: true,
    reason,
  };
}

export function decideConflict(policy: ConflictPolicy, ctx: ConflictContext): ConflictDecision {
  switch (policy.policy) {
    case 'crm_wins':
      return adopt(ctx, 'crm_wins', 'adopted', "crm_wins: the person's owner stands");
    case 'router_wins': {
      const ours = ctx.routerOwnerId;
      if (ours === null || ours === ctx.newOwnerId)
        return adopt(ctx, 'router_wins', 'adopted', 'router_wins: no owner of ours to restore');
      const rep = findRepByCrmId(ctx.config, ctx.crm, ours);
      if (rep && !rep.active)
        return adopt(ctx, 'router_wins', 'adopted', `router_wins: our owner ${rep.id} is inactive`);
      if (ctx.revertsSoFar >= policy.maxReverts) {
        return adopt(
          ctx,
          'router_wins',
          'gave_up_adopted',
          `router_wins: reverted ${ctx.revertsSoFar} of ${policy.maxReverts} times, giving up`,
        );
      }
      const attempt = ctx.revertsSoFar + 1;
      return {
        action: 'revert',
        outcome: 'reverted',
        policy: 'router_wins',
        ownerId: ours,
        repId: rep?.id ?? null,
        attempt,
        reason: `router_wins: revert ${attempt} of ${policy.maxReverts}`,
      };
    }
    case 'lock_window': {
      const since = ctx.routerWrittenAt;
      const inside = !since || ctx.changedAt.getTime() - since.getTime() <= policy.minutes * 60_000;
      return inside
        ? adopt(
            ctx,
            'lock_window',
            'adopted',
            `lock_window: changed within ${policy.minutes} min of our write, a correction`,
          )
        : adopt(
            ctx,
            'lock_window',
            'adopted_after_window',
            `lock_window: changed after ${policy.minutes} min, our routing stays charged`,
            false,
          );
    }
  }
}
