import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { previewRoutes } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import { leadInput } from '../post-lead.js';
import type { AuthHook } from './viewer-auth.js';

/** Most leads one preview routes, sent (`leads`) or stored (`recent`). */
export const previewMaxLeads = 1000;

// Which leads: `lead`, `leads` (POST /v1/leads shape) or `recent: N` (the last N stored leads).
// Which config: `draftId` (a stored draft), `config` (an inline document) or neither (the active
// one). `config` is checked by parseConfigDocument (422 CONFIG_INVALID with paths) rather than
// here, so its errors read the same as a publish's. Strict: an unknown key is a 400 naming it,
// so a misspelled `draftid` is not quietly a preview of the active config.
const body = z
  .strictObject({
    lead: leadInput.optional(),
    leads: z.array(leadInput).min(1).max(previewMaxLeads, { message: `at most ${previewMaxLeads} leads per preview` }).optional(),
    recent: z.number().int().min(1).max(previewMaxLeads, { message: `at most the last ${previewMaxLeads} leads per preview` }).optional(),
    draftId: z.uuid().optional(),
    config: z.unknown().optional(),
    at: z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with offset, e.g. 2026-11-25T10:00:00Z' }).optional(),
  })
  .superRefine((b, ctx) => {
    const sources = [b.lead, b.leads, b.recent].filter((x) => x !== undefined).length;
    if (sources !== 1) ctx.addIssue({ code: 'custom', path: ['leads'], message: 'send exactly one of `lead`, `leads` or `recent`' });
    if (b.draftId !== undefined && b.config !== undefined) ctx.addIssue({ code: 'custom', path: ['config'], message: 'send `config` or `draftId`, not both' });
  });

/** A draft with 1,000 leads is larger than a single lead's intake limit; still bounded. */
const previewBodyLimitBytes = 4 * 1024 * 1024;

/**
 * POST /v1/route/preview: who would get these leads under the active config, a draft or an
 * inline document, writing nothing. For a draft, each lead also says whether its owner changes
 * against the active config. docs/routing.md has examples.
 */
export function postRoutePreview(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  app.post('/v1/route/preview', { onRequest: auth, bodyLimit: Math.max(deps.env.BODY_LIMIT_BYTES, previewBodyLimitBytes) }, async (req) => {
    const b = parseInput(body, req.body, 'body');
    return previewRoutes(deps.pipeline, {
      ...(b.recent !== undefined ? { recent: b.recent } : { leads: b.leads ?? [b.lead!] }),
      ...(b.draftId !== undefined && { draftId: b.draftId }),
      ...(b.config !== undefined && { config: b.config }),
      ...(b.at !== undefined && { at: new Date(b.at) }),
    });
  });
}
