// What decide() reads and returns. State is loaded (and locked) by the caller before decide and
// the stateChange is applied in the same transaction, so rotation stays exact across workers.
import type { AccountMatch, PersonRecord } from '../accounts/index.js';
import type { RecordRef } from '../lead/index.js';
import type { RepStatus } from './rep-status.js';

/** Routing state the caller loads before decide() and persists after, in one transaction. */
export interface RoutingState {
  /** Legacy rotation position per pool (an index into pool.members, -1: none). Round robin no longer
   *  moves it (its line lives in counters, per rep); it only orders members who never had a lead. */
  cursors: Record<string, number>;
  /** Named counters (see docs/routing.md for the keys); a missing key reads as 0. */
  counters: Record<string, number>;
  /** Away/back set through the availability API, per rep id, overlaid on the config (rep-status.ts). */
  availability?: Readonly<Record<string, RepStatus>>;
}

export interface StateChange {
  /** New absolute cursor values, per pool. */
  cursors: Record<string, number>;
  /** Increments to apply to counters. */
  counterDeltas: Record<string, number>;
}

/** Why a rep was passed over. */
export type SkipCode =
  | 'REP_INACTIVE'
  | 'REP_UNKNOWN'
  | 'REP_NO_CRM_ID'
  | 'REP_AWAY'
  | 'REP_OFF_HOURS'
  | 'REP_HOLIDAY'
  | 'REP_MISSING_SKILL'
  | 'REP_CAP_DAY'
  | 'REP_CAP_WEEK'
  | 'REP_CAP_HOUR'
  | 'REP_CAP_ROLLING'
  | 'REP_CAP_MONTH'
  | 'REP_LOWER_TIER'
  | 'REP_OPEN_CEILING'
  | 'REP_WEIGHT_ZERO'
  | 'REP_RESERVED_TOP_TIER'
  | 'REP_NOT_TOP_TIER';

/** Why the owner won. */
export type ChoiceCode =
  | 'ROUND_ROBIN_NEXT'
  | 'WEIGHTED_HIGHEST_CREDIT'
  | 'LEAST_LOADED'
  | 'LEAST_RECENTLY_ASSIGNED'
  | 'STICKY_OWNER'
  | 'ACCOUNT_OWNER'
  /** The user an account lookup field names (accountUser). */
  | 'ACCOUNT_USER'
  /** The account team member with the rule's role (accountTeam). */
  | 'ACCOUNT_TEAM'
  /** Owner of an existing CRM contact (preferred) or lead with the lead's email (existingOwner). */
  | 'EXISTING_OWNER'
  | 'NAMED_REP'
  | 'CRM_QUEUE'
  /** Nobody was available: the pool's assignAnyway picked a member anyway. */
  | 'ASSIGNED_ANYWAY';

/** Steps of the route taken. */
export type StepCode =
  | 'RULE_MATCHED'
  | 'DEFAULT_ACTION'
  | 'STICKY_OWNER_UNKNOWN'
  | 'ACCOUNT_MATCHED'
  | 'NO_ACCOUNT_MATCH'
  /** accountUser / accountTeam: the field is empty, or no team member has the role, or the user is not our rep. */
  | 'NO_ACCOUNT_USER'
  /** existingOwner: a contact or lead with the lead's email, owned by one of our reps (detail names it). */
  | 'EXISTING_RECORD'
  | 'NO_EXISTING_RECORD'
  | 'FALLBACK'
  | 'POOL_EMPTY_HANDED'
  | 'POOL_UNKNOWN'
  | 'OVERFLOW'
  | 'QUEUE_EXPIRED'
  /** A skip action or the sync's closedWhen: the record is not routed; detail says why. */
  | 'SKIPPED';

export type UnassignedCode =
  | 'NO_RULE_MATCHED'
  | 'POOL_EXHAUSTED'
  | 'ACCOUNT_OWNER_AWAY'
  | 'NO_ACCOUNT_MATCH'
  | 'NO_ACCOUNT_USER'
  | 'NO_EXISTING_RECORD'
  | 'REP_UNAVAILABLE'
  | 'NO_CRM_OWNER';

export type ReasonCode = SkipCode | ChoiceCode | StepCode | UnassignedCode | 'QUEUED';

export type Reason = { code: ReasonCode; repId?: string; poolId?: string; ruleId?: string; detail?: string };

/** One leaf test as evaluated: the value the lead had and whether the test held. */
export interface CheckTrace {
  field: string;
  op: string;
  expected?: unknown;
  saw: unknown;
  result: boolean;
}

/** Every rule tested, in order, up to and including the one that matched. */
export interface RuleTrace {
  ruleId: string;
  matched: boolean;
  /** Leaves evaluated (short-circuited leaves are absent); empty for match: always. */
  checks: CheckTrace[];
  disabled?: true;
}

/** One candidate a pool's strategy weighed, with the figure it was compared on. */
export interface CandidateTrace {
  repId: string;
  /** Priority tier (pools with `priority`). */
  priority?: number;
  /** Place on the rotation line (round robin: the pool's; least recently assigned, and least loaded's
   *  idle tie-break for tied candidates: the line of all leads). Smaller waited longer; below 1: no lead on that line yet. */
  place?: number;
  /** Weighted: the member's weight and credit after this round's earning, in leads. */
  weight?: number;
  credit?: number;
  /** Least loaded: what load was measured on (open leads, or leads this period) and, for open_ratio, the ceiling. */
  load?: number;
  maxOpen?: number;
}

/** How a pool's strategy chose among the members who could take the lead. */
export interface PickTrace {
  poolId: string;
  strategy: string;
  candidates: CandidateTrace[];
  winner: string;
  /** Why the winner won, in words. */
  why: string;
}

export interface DecisionTrace {
  rules: RuleTrace[];
  /** Each pool pick made on the way (an overflow pool adds its own); absent when no pool picked. */
  picks?: PickTrace[];
  /** API availability in effect at the decision, per rep (absent when none). */
  availability?: Record<string, RepStatus>;
  /** The account lookup, when a condition or action read the account (absent when none did). */
  account?: AccountTrace;
}

/** How the lead's account was found (or that none was): the "why this account" of a decision. */
export interface AccountTrace {
  matched: boolean;
  /** config: routing.accounts; crm: the CRM mirror. */
  source?: 'config' | 'crm';
  accountId?: string;
  /** website, email_domain, contact_domain, cross_tld or name. */
  method?: string;
  /** The registrable domain, base label or normalized name that matched, and what the lead had. */
  key?: string;
  leadValue?: string;
  /** Every account for the key, the winner first. */
  candidates?: readonly string[];
  /** The tie-break step that decided among several candidates. */
  tieBreak?: string;
  confidence?: number;
  /** rollUpToParent: the top parent whose owner counts. */
  ultimateParentId?: string;
}

interface DecisionBase {
  ruleId?: string;
  poolId?: string;
  /** Skips, choices and route steps in the order they happened: "why did X get it" is answered here. */
  reasons: Reason[];
  trace: DecisionTrace;
  stateChange: StateChange;
}

export type Decision =
  | (DecisionBase & {
      kind: 'assigned';
      /** Our id of the owner: a rep id, or a queue id when ownerKind is 'queue'. */
      ownerId: string;
      ownerKind: 'rep' | 'queue';
      /** The owner's id in the lead's CRM, which is what gets written back. */
      crmOwnerId: string;
      ruleId: string;
      /** Why this owner won. */
      code: ChoiceCode;
    })
  | (DecisionBase & { kind: 'unassigned'; code: UnassignedCode })
  | (DecisionBase & {
      /** Not routed on purpose (a skip action): nothing is assigned and nothing is written to the CRM. */
      kind: 'skipped';
      code: 'SKIPPED';
      ruleId: string;
      /** The reason the rule gives, stored with the lead. */
      skipReason: string;
    })
  | (DecisionBase & {
      kind: 'queued';
      code: 'QUEUED';
      poolId: string;
      ruleId: string;
      /** Re-run decide until then (with options.queuedSince); after it, the pool's overflow applies. */
      queuedUntil: string;
    });

export interface DecideOptions {
  /** When this lead was first queued by a pool with queueWhenFull; absent on the first run. */
  queuedSince?: Date;
  /** The CRM account the pipeline matched in its mirror (deps.accounts); absent = none. Config accounts
   *  (routing.accounts) are matched by decide itself with the same matcher and win over it. */
  account?: AccountMatch;
  /** CRM contacts and leads with the lead's email, contacts first (the existingOwner action). */
  existingRecords?: readonly PersonRecord[];
}

export type { RecordRef, RepStatus };
