// What a rule does: route to a pool, a named rep, the account owner, a user named on the account
// (a lookup field, an account team role), the owner of an existing contact/lead with the lead's
// email, or a CRM queue, or skip the lead (not routed, nothing written to the CRM).
// Every person-choosing action carries a fallback for when that person cannot take the lead.
import { z } from 'zod';
import { keyedUnion } from './keyed-union.js';
import { id } from './rep-schema.js';

export type Action =
  | { pool: string }
  | { rep: string; fallback?: Action }
  | { accountOwner: true; fallback?: Action }
  | { accountUser: { field: string }; fallback?: Action }
  | { accountTeam: { role: string }; fallback?: Action }
  | { existingOwner: true; fallback?: Action }
  | { queue: string }
  | { skip: { reason: string } };

export const actionSchema: z.ZodType<Action> = z.lazy(() =>
  keyedUnion<Action>((v) => {
    if ('pool' in v) return z.strictObject({ pool: id });
    if ('rep' in v) return z.strictObject({ rep: id, fallback: actionSchema.optional() });
    if ('accountOwner' in v)
      return z.strictObject({ accountOwner: z.literal(true), fallback: actionSchema.optional() });
    if ('accountUser' in v)
      return z.strictObject({
        accountUser: z.strictObject({
          field: z.string().trim().min(1, 'name the account field holding a CRM user id'),
        }),
        fallback: actionSchema.optional(),
      });
    if ('accountTeam' in v)
      return z.strictObject({
        accountTeam: z.strictObject({ role: z.string().trim().min(1, 'name the account team role') }),
        fallback: actionSchema.optional(),
      });
    if ('existingOwner' in v)
      return z.strictObject({ existingOwner: z.literal(true), fallback: actionSchema.optional() });
    if ('queue' in v) return z.strictObject({ queue: id });
    if ('skip' in v)
      return z.strictObject({
        skip: z.strictObject({ reason: z.string().trim().min(1, 'say why these leads are not routed').max(500) }),
      });
    return 'an action is { pool }, { rep, fallback? }, { accountOwner: true, fallback? }, { accountUser: { field }, fallback? }, { accountTeam: { role }, fallback? }, { existingOwner: true, fallback? }, { queue } or { skip: { reason } }';
  }),
);

/** Where a full pool sends a lead next. Pools may chain; validation rejects cycles. */
export type OverflowTarget = { pool: string } | { rep: string } | { queue: string };
export const overflowTargetSchema: z.ZodType<OverflowTarget> = keyedUnion<OverflowTarget>((v) => {
  if ('pool' in v) return z.strictObject({ pool: id });
  if ('rep' in v) return z.strictObject({ rep: id });
  if ('queue' in v) return z.strictObject({ queue: id });
  return 'an overflow target is { pool }, { rep } or { queue }';
});
