import { z } from 'zod';

/**
 * `:id` is any id a caller holds: a lead id, an event id, `source:idempotencyKey` or
 * `crm:objectType:recordId` (URL-encoded; see pipeline/lead-resolve.ts for the order tried).
 * The router already refuses a path segment past 100 characters (fastify's maxParamLength, a 400
 * naming `params`), so a longer reference cannot arrive here; the bound below is a second guard.
 */
export const leadParams = z.object({
  id: z
    .string()
    .min(1, { message: 'must not be empty' })
    .max(700, { message: 'is longer than any lead reference (700 characters)' }),
});
