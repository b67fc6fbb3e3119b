import { z } from 'zod';

/** `:id` is the lead's uuid; anything else is a 400 naming `params.id`, not a 404 or a 500 from Postgres. */
export const leadParams = z.object({ id: z.uuid({ message: 'must be a lead id (uuid)' }) });
