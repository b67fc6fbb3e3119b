import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { explainDecisionView, getLeadDecision } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import type { AuthHook } from './viewer-auth.js';
import { leadParams } from './lead-params.js';

const query = z.object({ format: z.enum(['json', 'text']).optional() });

/** `?format=` wins; otherwise text only when the client asks for text/plain and not JSON. */
function wantsText(format: 'json' | 'text' | undefined, accept: string | undefined): boolean {
  if (format) return format === 'text';
  const a = (accept ?? '').toLowerCase();
  return a.includes('text/plain') && !a.includes('application/json');
}

/**
 * GET /v1/leads/:id/decision: the latest stored decision of a lead with its full trace (every
 * rule tested, every rep skipped and why, who won and why), as JSON or as readable text.
 */
export function getLeadDecisionRoute(app: FastifyInstance, deps: HttpDeps, auth: AuthHook): void {
  app.get('/v1/leads/:id/decision', { onRequest: auth }, async (req, reply) => {
    const { id } = parseInput(leadParams, req.params, 'params');
    const { format } = parseInput(query, req.query, 'query');
    const view = await getLeadDecision(deps.pipeline, id);
    if (wantsText(format, req.headers.accept)) return reply.type('text/plain; charset=utf-8').send(explainDecisionView(view));
    return view;
  });
}
