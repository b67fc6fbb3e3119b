// POST /v1/forms/:source: an HTML form posts here straight from the browser
// (application/x-www-form-urlencoded), docs/web-forms.md. What makes that safe without the
// secret intake key:
// - the source's public key (hidden `_key` field) only creates leads for that source;
// - the page's Origin must be in the source's allow-list (a browser always sends it on a
//   cross-origin POST; a request without one is not from a browser page and is let through on
//   the key alone, as any client holding the page's HTML could do anyway);
// - a filled honeypot field is answered exactly like a success and dropped (a bot that saw a
//   refusal would learn to leave it empty), counted in inbound_events_total{outcome="honeypot"}.
// The fields then go the way of POST /v1/leads: same lead schema, same `api/lead` mapping, same
// intake (stored before we answer). Nothing is stored on a 4xx.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebForm, WebForms } from '../../../config/index.js';
import { errors } from '../../../errors.js';
import { ingestApiLead } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { parseInput } from '../../parse.js';
import { digest } from '../../presented-token.js';
import { described, errorResponses, open, type ApiTypes } from '../../route-schema.js';
import { intakeAck, leadInput, leadUrlOf } from '../post-lead.js';
import { formToLead } from './form-fields.js';
import { timeOrderedUuid } from '../../../time-ordered-id.js';

const value = z.string().max(2000);
/** A form body as the browser sends it: every value a string, a repeated field a list. */
export const webFormBody = z
  .object({
    _key: z.string().max(200).optional().describe("the source's public key (WEB_FORMS.<source>.publicKey)"),
    _redirect: z.string().url().max(2000).optional().describe('answer 303 to this URL; its origin must be allowed'),
    _idempotencyKey: z
      .string()
      .min(8)
      .max(200)
      .optional()
      .describe('the same key posted twice stores one lead; default: a new key per post'),
  })
  .catchall(z.union([value, z.array(value).max(50)]));

export const webFormParams = z.object({ source: z.string().min(1).max(100) });

function sourceOf(req: FastifyRequest): string {
  const p = req.params as Record<string, string | undefined>;
  // The POST route names it; @fastify/cors's preflight route is `/v1/forms*`, so its wildcard is `/website`.
  return p.source ?? (p['*'] ?? '').replace(/^\//, '');
}

export function webFormRoutes(app: FastifyInstance, deps: HttpDeps, forms: WebForms): void {
  const formOf = (source: string): WebForm => {
    const form = forms.get(source);
    if (!form) throw errors.notFound(`web form for source "${source}"`);
    return form;
  };

  void app.register(
    async (scope) => {
      // Before @fastify/cors (hooks run in the order added): an unknown source or a page not on
      // the allow-list is refused here, preflight included, with a body that says why.
      scope.addHook('onRequest', async (req) => {
        const source = sourceOf(req);
        const form = formOf(source);
        const origin = req.headers.origin;
        if (origin !== undefined && !form.allowedOrigins.includes(origin))
          throw errors.originNotAllowed(origin, source);
      });
      // Both plugins are scoped to this prefix: POST /v1/leads still takes JSON only.
      await scope.register(formbody);
      await scope.register(cors, {
        delegator: (req, cb) => {
          const form = forms.get(sourceOf(req as FastifyRequest));
          cb(null, {
            origin: form ? [...form.allowedOrigins] : false,
            methods: ['POST'],
            allowedHeaders: ['content-type'],
            maxAge: 600,
          });
        },
      });

      const schema = {
        tags: ['intake'],
        summary:
          "A web form posted from the browser (urlencoded): the source's public key, its allowed origins, a honeypot (docs/web-forms.md)",
        security: open, // the public key is a form field, not a credential header
        consumes: ['application/x-www-form-urlencoded'],
        params: webFormParams,
        body: webFormBody,
        response: {
          202: described(
            'stored (or dropped by the honeypot, answered the same); routing follows (Location: the lead URL)',
            intakeAck,
          ),
          200: described('this _idempotencyKey was already taken; nothing new stored', intakeAck),
          303: described('_redirect was given: Location is that URL (its origin is allowed); no body', z.null()),
          ...errorResponses(400, 401, 403, 404, 413, 415, 503),
        },
      };
      scope.withTypeProvider<ApiTypes>().post('/:source', { schema }, async (req, reply) => {
        const { source } = req.params;
        const form = formOf(source);
        const body = req.body;
        checkPublicKey(form, source, body._key);
        const redirect = body._redirect && allowedRedirect(form, body._redirect);

        if (filled(body[form.honeypotField])) {
          deps.pipeline.metrics.eventsReceived.inc({ source: 'api', outcome: 'honeypot' });
          req.log.info(
            { source, honeypotField: form.honeypotField },
            'web form honeypot filled: answered as accepted, nothing stored',
          );
          if (redirect) return reply.code(303).header('location', redirect).send();
          const eventId = randomUUID();
          return reply.code(202).send({ eventId, status: 'accepted', leadUrl: leadUrlOf(eventId) });
        }

        const lead = parseInput(leadInput, formToLead(body, form.honeypotField), 'body');
        const { eventId, duplicate } = await ingestApiLead(
          deps.pipeline,
          { source, idempotencyKey: body._idempotencyKey ?? timeOrderedUuid(), lead },
          { requestId: req.id },
        );
        const leadUrl = leadUrlOf(eventId);
        if (redirect) return reply.code(303).header('location', redirect).send();
        return reply
          .code(duplicate ? 200 : 202)
          .header('location', leadUrl)
          .send({ eventId, status: duplicate ? 'duplicate' : 'accepted', leadUrl });
      });
    },
    { prefix: '/v1/forms' },
  );
}

function checkPublicKey(form: WebForm, source: string, presented: string | undefined): void {
  if (!presented) throw errors.unauthorized(`missing public key: send the _key field of source "${source}"`);
  if (!timingSafeEqual(digest(presented), digest(form.publicKey)))
    throw errors.unauthorized(`public key is not valid for source "${source}"`);
}

/** The thank-you page, only on an allowed origin: never an open redirect. */
function allowedRedirect(form: WebForm, url: string): string {
  if (!form.allowedOrigins.includes(new URL(url).origin)) {
    throw errors.validation([
      { path: 'body._redirect', message: `its origin "${new URL(url).origin}" is not in the allowed origins` },
    ]);
  }
  return url;
}

const filled = (v: unknown) =>
  typeof v === 'string' ? v.trim() !== '' : Array.isArray(v) && v.some((x) => typeof x === 'string' && x.trim() !== '');
