// The routing half of the config an admin edits: reps, pools, rules, default.
import { z } from 'zod';

const id = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits, _ . : -');

export const repSchema = z.object({
  id,
  name: z.string().min(1).optional(),
  email: z.string().email().optional(),
  /** The rep's owner id in each CRM (HubSpot owner id, Salesforce user id). */
  crmIds: z.object({ hubspot: z.string().min(1).optional(), salesforce: z.string().min(1).optional(), api: z.string().min(1).optional() }).default({}),
  active: z.boolean().default(true),
});
export type Rep = z.infer<typeof repSchema>;

export const poolSchema = z.object({
  id,
  strategy: z.literal('round_robin'),
  /** Rotation order; ties and rotation follow this order, never input or creation order. */
  members: z.array(id).min(1),
});
export type Pool = z.infer<typeof poolSchema>;

export const actionSchema = z.object({ pool: id });

export const ruleSchema = z.object({
  id,
  /** A rule must say what it matches; 'always' is explicit, never implied by an empty condition. */
  when: z.object({ match: z.literal('always') }),
  action: actionSchema,
});
export type Rule = z.infer<typeof ruleSchema>;

export const routingConfigSchema = z.object({
  reps: z.array(repSchema).min(1),
  pools: z.array(poolSchema).min(1),
  rules: z.array(ruleSchema),
  default: actionSchema.optional(),
});
export type RoutingConfig = z.infer<typeof routingConfigSchema>;
