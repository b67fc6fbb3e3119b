// The routing half of the config an admin edits: reps, pools, queues, accounts, ordered rules,
// default. zod checks shapes (every error with its path); validateRoutingConfig checks meaning.
import { z } from 'zod';
import { accountMatchingSchema } from './account-matching-schema.js';
import { actionSchema, overflowTargetSchema } from './action-schema.js';
import { whenSchema } from './condition-schema.js';
import { keyedUnion } from './keyed-union.js';
import { accountSchema, id, queueSchema, repSchema, weight } from './rep-schema.js';
import { holidayCalendarSchema, scheduleSchema } from './schedule-schema.js';

export const strategies = ['round_robin', 'weighted_round_robin', 'least_loaded', 'least_recently_assigned'] as const;
export type Strategy = (typeof strategies)[number];
export const countingPeriods = ['all_time', 'month', 'week', 'day'] as const;
export type CountingPeriod = (typeof countingPeriods)[number];
export const loadMeasures = ['open', 'open_ratio', 'assignments'] as const;
export type LoadMeasure = (typeof loadMeasures)[number];

/** Who wins when a person changes an owner we wrote (docs/sync.md). crm_wins never overwrites a person. */
export const conflictPolicySchema = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('crm_wins') }),
  /** Write our owner back at most maxReverts times per lead, then adopt theirs: two systems never loop. */
  z.strictObject({ policy: z.literal('router_wins'), maxReverts: z.number().int().min(1).max(10).default(1) }),
  /** Adopt every change; one within `minutes` of our write corrects our routing, a later one is a handover. */
  z.strictObject({ policy: z.literal('lock_window'), minutes: z.number().int().min(1).max(10_080) }),
]);
export type ConflictPolicy = z.infer<typeof conflictPolicySchema>;

/** A CRM field change (CRM field names, values compared trimmed and case-insensitively) that means the rep took the lead. */
export type ClaimCondition =
  { field: string; notIn: string[] } | { field: string; in: string[] } | { field: string; changedFrom: string };
const claimValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const claimConditionSchema = keyedUnion<ClaimCondition>((v) => {
  const field = z.string().min(1);
  if ('notIn' in v) return z.strictObject({ field, notIn: z.array(claimValue).min(1) });
  if ('in' in v) return z.strictObject({ field, in: z.array(claimValue).min(1) });
  if ('changedFrom' in v) return z.strictObject({ field, changedFrom: claimValue });
  return 'a claim condition is { field, notIn: [...] }, { field, in: [...] } or { field, changedFrom }';
});

export const slaSchema = z.strictObject({
  /** Time the assigned rep has to claim the lead. */
  minutes: z.number().int().min(1).max(43_200),
  /** Count only the rep's working minutes (their zone, hours and holidays); false = wall-clock minutes. */
  workingHours: z.boolean().default(false),
  /** Any one of these field changes claims the lead; an explicit claim (POST /v1/leads/:id/claim) always does. */
  claimedWhen: z.array(claimConditionSchema).default([]),
  /** Breaches that reassign through the pool before escalating (K). */
  maxReassignments: z.number().int().min(0).max(20).default(1),
  /** Rep who gets the lead after K reassignments; absent = the lead stays where it is. */
  managerRepId: id.optional(),
});
export type Sla = z.infer<typeof slaSchema>;

export const syncSettingsSchema = z.strictObject({
  /** Policy when neither the rule nor the pool names one. */
  conflictPolicy: conflictPolicySchema.default({ policy: 'crm_wins' }),
  /** An owner change equal to an owner we wrote this close in time is our echo, even without an origin. */
  echoWindowSeconds: z.number().int().min(1).max(3_600).default(120),
  /** CRM field changes that mean the lead is closed (e.g. status moved to Converted): its rep's open-lead count drops, freeing capacity. */
  closedWhen: z.array(claimConditionSchema).default([]),
});
export type SyncSettings = z.infer<typeof syncSettingsSchema>;

const requirement = {
  /** Every listed skill must be on the rep (case-insensitive). */
  requiredSkills: z.array(z.string().min(1)).default([]),
  /** When the lead has a language, the rep must speak it. */
  requireLanguage: z.boolean().default(false),
};

export const poolSchema = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  strategy: z.enum(strategies),
  /** Rotation order; ties and rotation follow this order, never input or creation order. */
  members: z.array(id).min(1),
  /** Per-pool weights for weighted_round_robin; a member not listed uses rep.weight. Fractions to 0.001 (0.5 = half a share). */
  weights: z.record(id, weight).optional(),
  /** Priority tiers (docs/routing.md "Priority tiers"): the highest priority with anyone available takes the lead,
   *  the strategy picks within it. A member not listed has priority 0. */
  priority: z.record(id, z.number().int().min(0).max(1000)).optional(),
  /** Pools naming the same group share one rotation line: a rep in two of them waits in one line, not two. */
  rotationGroup: id.optional(),
  /** What weighted_round_robin credits and least_loaded assignment counts are counted over; absent = all_time. */
  period: z.enum(countingPeriods).optional(),
  /** IANA zone in which `period` days, weeks and months start; absent = UTC. */
  timeZone: z.string().min(1).optional(),
  /** least_loaded: open leads (default), open leads divided by the rep's maxOpen, or leads this line gave them in `period`. */
  loadBy: z.enum(loadMeasures).optional(),
  /** false: leads from this pool neither count toward nor are refused by the members' caps (day, week, hour, rolling, month); maxOpen still applies. */
  countsTowardCaps: z.boolean().optional(),
  ...requirement,
  /** Keep these reps for hot leads: they only take leads with score >= minScore.
   *  exclusive: such leads go only to them (others are skipped), so a hot lead waits for overflow rather than a junior rep. */
  topTier: z
    .strictObject({ reps: z.array(id).min(1), minScore: z.number().finite(), exclusive: z.boolean().default(false) })
    .optional(),
  /** Tried in order when no member can take the lead. */
  overflow: z.array(overflowTargetSchema).default([]),
  /** Hold the lead (decision kind 'queued') up to this long for a member to free up, before overflow. */
  queueWhenFull: z.strictObject({ maxWaitMinutes: z.number().int().min(1).max(10_080) }).optional(),
  /** weighted_round_robin only: a rep who was unavailable keeps earning credit and catches up on return.
   *  Off by default: time off is not a debt the pool pays back in a burst. */
  catchUpAfterAway: z.boolean().default(false),
  /** Last resort, never the default: when no member is available and queueing and overflow found
   *  nobody, pick a member anyway, ignoring what `ignore` lists (decision code ASSIGNED_ANYWAY).
   *  Inactive reps, missing skills and caps are never ignored; holidays only when listed. */
  assignAnyway: z
    .strictObject({
      ignore: z
        .array(z.enum(['off_hours', 'away', 'holiday']))
        .min(1)
        .default(['off_hours', 'away']),
    })
    .optional(),
  /** What to do when a person changes the owner of a lead this pool routed (docs/sync.md). Absent: sync.conflictPolicy. */
  conflictPolicy: conflictPolicySchema.optional(),
  /** Reassign a lead its rep has not claimed in time; absent = no SLA (docs/sync.md). */
  sla: slaSchema.optional(),
  /** shadow: leads this pool decides are recorded but never written to the CRM (docs/shadow-mode.md); absent = the connector's mode. */
  mode: z.enum(['live', 'shadow']).optional(),
});
export type Pool = z.infer<typeof poolSchema>;

export const ruleSchema = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  /** A disabled rule is listed in the trace as skipped, never evaluated. */
  enabled: z.boolean().default(true),
  /** A rule must say what it matches; 'always' is explicit, never implied by an empty condition. */
  when: whenSchema,
  action: actionSchema,
  /** If the lead already has an owner in its CRM who is one of our reps and can take it, keep them. */
  stickyOwner: z.boolean().default(false),
  ...requirement,
  /** Overrides the pool's and the global conflict policy for leads this rule routed (docs/sync.md). */
  conflictPolicy: conflictPolicySchema.optional(),
});
export type Rule = z.infer<typeof ruleSchema>;

export const routingConfigSchema = z.strictObject({
  reps: z.array(repSchema).min(1),
  /** Working hours shared by reps (rep.schedule names one). */
  schedules: z.array(scheduleSchema).default([]),
  /** Public holidays per region (rep.holidayCalendars names them). */
  holidayCalendars: z.array(holidayCalendarSchema).default([]),
  pools: z.array(poolSchema).default([]),
  queues: z.array(queueSchema).default([]),
  accounts: z.array(accountSchema).default([]),
  /** How a lead finds its account among config and CRM accounts (docs/accounts.md "Matching"); absent = the defaults. */
  accountMatching: accountMatchingSchema.optional(),
  rules: z.array(ruleSchema),
  /** Used when no rule matches; without it such a lead is unassigned with NO_RULE_MATCHED. */
  default: actionSchema.optional(),
  /** Two-way ownership sync settings; absent = crm_wins and a 120 s echo window (docs/sync.md). */
  sync: syncSettingsSchema.optional(),
});
export type RoutingConfig = z.infer<typeof routingConfigSchema>;
export type RoutingConfigInput = z.input<typeof routingConfigSchema>;

export { actionSchema, accountMatchingSchema };
export type { AccountMatching } from './account-matching-schema.js';
export type { Action, OverflowTarget } from './action-schema.js';
export type { Condition, LeafCondition, Operator, When } from './condition-schema.js';
export type { Account, CrmQueue, Rep } from './rep-schema.js';
export type { DateOverride, HolidayCalendar, ScheduleConfig } from './schedule-schema.js';
