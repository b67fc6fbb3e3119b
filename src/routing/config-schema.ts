// The routing half of the config an admin edits: reps, pools, queues, accounts, ordered rules,
// default. zod checks shapes (every error with its path); validateRoutingConfig checks meaning.
import { z } from 'zod';
import { actionSchema, overflowTargetSchema } from './action-schema.js';
import { whenSchema } from './condition-schema.js';
import { accountSchema, id, queueSchema, repSchema } from './rep-schema.js';

export const strategies = ['round_robin', 'weighted_round_robin', 'least_loaded'] as const;
export type Strategy = (typeof strategies)[number];

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
  /** Per-pool weights for weighted_round_robin; a member not listed uses rep.weight. */
  weights: z.record(id, z.number().int().min(0).max(1000)).optional(),
  ...requirement,
  /** Keep these reps for hot leads: they only take leads with score >= minScore.
   *  exclusive: such leads go only to them (others are skipped), so a hot lead waits for overflow rather than a junior rep. */
  topTier: z.strictObject({ reps: z.array(id).min(1), minScore: z.number().finite(), exclusive: z.boolean().default(false) }).optional(),
  /** Tried in order when no member can take the lead. */
  overflow: z.array(overflowTargetSchema).default([]),
  /** Hold the lead (decision kind 'queued') up to this long for a member to free up, before overflow. */
  queueWhenFull: z.strictObject({ maxWaitMinutes: z.number().int().min(1).max(10_080) }).optional(),
  /** weighted_round_robin only: a rep who was unavailable keeps earning credit and catches up on return.
   *  Off by default: time off is not a debt the pool pays back in a burst. */
  catchUpAfterAway: z.boolean().default(false),
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
});
export type Rule = z.infer<typeof ruleSchema>;

export const routingConfigSchema = z.strictObject({
  reps: z.array(repSchema).min(1),
  pools: z.array(poolSchema).default([]),
  queues: z.array(queueSchema).default([]),
  accounts: z.array(accountSchema).default([]),
  rules: z.array(ruleSchema),
  /** Used when no rule matches; without it such a lead is unassigned with NO_RULE_MATCHED. */
  default: actionSchema.optional(),
});
export type RoutingConfig = z.infer<typeof routingConfigSchema>;
export type RoutingConfigInput = z.input<typeof routingConfigSchema>;

export { actionSchema };
export type { Action, OverflowTarget } from './action-schema.js';
export type { Condition, LeafCondition, Operator, When } from './condition-schema.js';
export type { Account, CrmQueue, Rep } from './rep-schema.js';
