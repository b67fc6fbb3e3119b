import type { RecordRef } from '../lead/index.js';

/** Routing state the caller loads before decide() and persists after, in one transaction. */
export interface RoutingState {
  /** Rotation position per pool: index into pool.members of the rep chosen last (-1: none yet). */
  cursors: Record<string, number>;
  /** Named counters (e.g. open leads per rep); a missing key reads as 0. */
  counters: Record<string, number>;
}

export interface StateChange {
  /** New absolute cursor values, per pool. */
  cursors: Record<string, number>;
  /** Increments to apply to counters. */
  counterDeltas: Record<string, number>;
}

export type Reason = { code: string; repId?: string; poolId?: string; ruleId?: string; detail?: string };

export type Decision =
  | {
      kind: 'assigned';
      ownerId: string;
      /** The owner's id in the lead's CRM, which is what gets written back. */
      crmOwnerId: string;
      poolId?: string;
      ruleId: string;
      reasons: Reason[];
      stateChange: StateChange;
    }
  | {
      kind: 'unassigned';
      code: 'NO_RULE_MATCHED' | 'POOL_EXHAUSTED' | 'NO_CRM_OWNER';
      ruleId?: string;
      poolId?: string;
      reasons: Reason[];
      stateChange: StateChange;
    };

export type { RecordRef };
