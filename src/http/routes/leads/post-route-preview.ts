import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { previewRoutes } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import { leadInput } from '../post-lead.js';
import type { AuthHook } from './viewer-auth.js';
import { previewOutput } from './responses.js';

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
    leads: z
      .array(leadInput)
      .min(1)
      .max(previewMaxLeads, { message: `at most ${previewMaxLeads} leads per preview` })
      .optional(),
    recent: z
      .number()
      .int()
      .min(1)
      .max(previewMaxLeads, { message: `at most the last ${previewMaxLeads} leads per preview` })
      .optional(),
    draftId: z.uuid().optional(),
    config: z
      .unknown()
      .optional()
      .describe('an inline config document ({ mappings, routing }); checked as a publish would (422 CONFIG_INVALID)'),
    at: z.iso
      .datetime({ offset: true, message: 'an ISO 8601 date-time with offset, e.g. 2026-11-25T10:00:00Z' })
      .optional(),
  })
  .superRefine((b, ctx) => {
    const sources = [b.lead, b.leads, b.recent].filter((x) => x !== undefined).length;
    if (sources !== 1)
      ctx.addIssue({ code: 'custom', path: ['leads'], message: 'send exactly one of `lead`, `leads` or `recent`' });
    if (b.draftId !== undefined && b.config !== undefined)
      ctx.addIssue({ code: 'custom', path: ['config'], message: 'send `config` or `draftId`, not both' });
  });

/** A draft with 1,000 leads is larger than a single lead's intake limit; still bounded. */
const previewBodyLimitBytes = 4 * 1024 * 1024;

/**
 * POST /v1/route/preview: who would get these leads under the active config, a draft or an
 * inline document, writing nothing. For a draft, each lead also says whether its owner changes
 * against the active config. docs/routing.md has examples.
 */
export function postRoutePreview(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  const schema = {
    tags: ['routing'],
    summary:
      'Who would get these leads (sent, or the last N stored) under the active config, a draft or an inline document; writes nothing',
    security: adminToken,
    body,
    response: {
      200: described('one decision per lead, and a summary', previewOutput),
      ...errorResponses(400, 401, 404, 413, 415, 422, 503),
    },
  };
  app
    .withTypeProvider<ApiTypes>()
    .post(
      '/v1/route/preview',
      { onRequest: auth, bodyLimit: Math.max(deps.env.BODY_LIMIT_BYTES, previewBodyLimitBytes), schema },
      async (req) => {
        const b = req.body;
        return previewRoutes(deps.pipeline, {
          ...(b.recent !== undefined ? { recent: b.recent } : { leads: b.leads ?? [b.lead!] }),
          ...(b.draftId !== undefined && { draftId: b.draftId }),
          ...(b.config !== undefined && { config: b.config }),
          ...(b.at !== undefined && { at: new Date(b.at) }),
        });
      },
    );
}
