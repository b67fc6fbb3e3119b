// What a rule does: route to a pool, a named rep, the account owner, or a CRM queue, or skip
// the lead (not routed, nothing written to the CRM: closed records, test leads).
// rep and accountOwner carry a fallback for when that person cannot take the lead.
import { z } from 'zod';
import { keyedUnion } from './keyed-union.js';
import { id } from './rep-schema.js';

export type Action =
  | { pool: string }
  | { rep: string; fallback?: Action }
  | { accountOwner: true; fallback?: Action }
  | { queue: string }
  | { skip: { reason: string } };

export const actionSchema: z.ZodType<Action> = z.lazy(() =>
  keyedUnion<Action>((v) => {
    if ('pool' in v) return z.strictObject({ pool: id });
    if ('rep' in v) return z.strictObject({ rep: id, fallback: actionSchema.optional() });
    if ('accountOwner' in v)
      return z.strictObject({ accountOwner: z.literal(true), fallback: actionSchema.optional() });
    if ('queue' in v) return z.strictObject({ queue: id });
    if ('skip' in v)
      return z.strictObject({
        skip: z.strictObject({ reason: z.string().trim().min(1, 'say why these leads are not routed').max(500) }),
      });
    return 'an action is { pool }, { rep, fallback? }, { accountOwner: true, fallback? }, { queue } or { skip: { reason } }';
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
