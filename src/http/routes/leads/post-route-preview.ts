import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { previewRoutes } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import { leadInput } from '../post-lead.js';
import type { AuthHook } from './viewer-auth.js';

export const previewMaxLeads = 1000;

// Leads in the POST /v1/leads shape; `config` is a whole draft document, checked by
// parseConfigDocument (422 CONFIG_INVALID with paths) rather than here, so its errors read the
// same as a publish's.
const body = z
  .object({
    lead: leadInput.optional(),
    leads: z.array(leadInput).min(1).max(previewMaxLeads, { message: `at most ${previewMaxLeads} leads per preview` }).optional(),
    config: z.unknown().optional(),
    at: z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with offset, e.g. 2026-11-25T10:00:00Z' }).optional(),
  })
  .refine((b) => (b.lead === undefined) !== (b.leads === undefined), { message: 'send either `lead` or `leads`', path: ['leads'] });

/** A draft with 1,000 leads is larger than a single lead's intake limit; still bounded. */
const previewBodyLimitBytes = 4 * 1024 * 1024;

/**
 * POST /v1/route/preview: who would get these leads under the active config or a draft,
 * writing nothing. For a draft, each lead also says whether its owner changes against the active config.
 */
export function postRoutePreview(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  app.post('/v1/route/preview', { onRequest: auth, bodyLimit: Math.max(deps.env.BODY_LIMIT_BYTES, previewBodyLimitBytes) }, async (req) => {
    const b = parseInput(body, req.body, 'body');
    return previewRoutes(deps.pipeline, { leads: b.leads ?? [b.lead!], config: b.config, at: b.at ? new Date(b.at) : undefined });
  });
}
