// What a rule does: route to a pool, a named rep, the account owner, or a CRM queue.
// rep and accountOwner carry a fallback for when that person cannot take the lead.
import { z } from 'zod';
import { keyedUnion } from './keyed-union.js';
import { id } from './rep-schema.js';

export type Action =
  | { pool: string }
  | { rep: string; fallback?: Action }
  | { accountOwner: true; fallback?: Action }
  | { queue: string };

export const actionSchema: z.ZodType<Action> = z.lazy(() =>
  keyedUnion<Action>((v) => {
    if ('pool' in v) return z.strictObject({ pool: id });
    if ('rep' in v) return z.strictObject({ rep: id, fallback: actionSchema.optional() });
    if ('accountOwner' in v) return z.strictObject({ accountOwner: z.literal(true), fallback: actionSchema.optional() });
    if ('queue' in v) return z.strictObject({ queue: id });
    return 'an action is { pool }, { rep, fallback? }, { accountOwner: true, fallback? } or { queue }';
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
