import type { Lead } from '../lead/index.js';
import type { RoutingConfig } from './config-schema.js';
import { pickRoundRobin } from './round-robin.js';
import type { Decision, Reason, RoutingState, StateChange } from './types.js';

const noChange = (): StateChange => ({ cursors: {}, counterDeltas: {} });

/** Pure: the owner for one lead, with the reasons and the state change to persist. */
export function decide(lead: Lead, config: RoutingConfig, state: RoutingState, _now: Date): Decision {
  const reasons: Reason[] = [];
  const rule = config.rules.find((r) => r.when.match === 'always');
  const action = rule?.action ?? config.default;
  const ruleId = rule?.id ?? 'default';
  if (!action) return { kind: 'unassigned', code: 'NO_RULE_MATCHED', reasons: [{ code: 'NO_RULE_MATCHED' }], stateChange: noChange() };
  reasons.push({ code: rule ? 'RULE_MATCHED' : 'DEFAULT_ACTION', ruleId });

  const pool = config.pools.find((p) => p.id === action.pool);
  if (!pool) return { kind: 'unassigned', code: 'POOL_EXHAUSTED', ruleId, poolId: action.pool, reasons, stateChange: noChange() };
  const reps = new Map(config.reps.map((r) => [r.id, r]));
  const crm = lead.source.crm;
  const picked = pickRoundRobin(pool, reps, state.cursors[pool.id] ?? -1, (rep) => Boolean(rep.crmIds[crm] ?? crm === 'api'), reasons);
  if (!picked) return { kind: 'unassigned', code: 'POOL_EXHAUSTED', ruleId, poolId: pool.id, reasons, stateChange: noChange() };
  const rep = reps.get(picked.repId)!;
  reasons.push({ code: 'ROUND_ROBIN_NEXT', repId: rep.id, poolId: pool.id });
  return {
    kind: 'assigned',
    ownerId: rep.id,
    crmOwnerId: rep.crmIds[crm] ?? rep.id,
    poolId: pool.id,
    ruleId,
    reasons,
    stateChange: { cursors: { [pool.id]: picked.index }, counterDeltas: { [`rep:${rep.id}:open`]: 1 } },
  };
}

/** Which state rows decide() may read for this config: the caller loads and locks these. */
export function stateKeys(config: RoutingConfig, _now: Date): { pools: string[]; counters: string[] } {
  return { pools: config.pools.map((p) => p.id), counters: config.reps.map((r) => `rep:${r.id}:open`) };
}
