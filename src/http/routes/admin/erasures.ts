// Erasure on request (docs/operations.md "Erasure"): an editor erases one person's data by email;
// a viewer reads the audit trail. The email is in the request body only: the audit row and the log
// line carry its SHA-256, and no URL (access logs) ever holds it.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { eraseEmail, listErasureAudit } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import { actor, type Guard } from './guard.js';

const tags = ['erasures'];

export const erasureBody = z.strictObject({
  /** The person's email, as stored on their leads (matched trimmed and case-insensitively). */
  email: z.email({ message: 'must be an email address' }).max(320),
});

const erasedRows = z.object({
  leads: z.number().int(),
  inbound_events: z.number().int(),
  assignments: z.number().int(),
  outbox: z.number().int(),
  notifications: z.number().int(),
  /** Mirrored CRM contacts/leads with this email (docs/accounts.md); absent in erasures recorded before the people mirror. */
  crm_people: z.number().int().optional(),
});

export const erasureResult = z.object({
  id: z.string(),
  /** SHA-256 (hex) of the trimmed, lowercased email: what the audit trail keeps. */
  emailSha256: z.string(),
  /** Rows changed per table; 0 everywhere: nothing of this email was stored. */
  rows: erasedRows,
});

const erasureList = z.object({
  erasures: z.array(
    z.object({ id: z.string(), emailSha256: z.string(), requestedBy: z.string(), rows: erasedRows, at: z.date() }),
  ),
});

export function erasureRoutes(server: FastifyInstance, deps: HttpDeps, guard: Guard): void {
  const app = server.withTypeProvider<ApiTypes>();
  const security = adminToken;
  app.post(
    '/v1/admin/erasures',
    {
      onRequest: guard('editor'),
      schema: {
        tags,
        security,
        summary:
          "Erase one person's personal data everywhere it is kept (leads, events' payloads, decisions' copies, CRM answers); decisions stay countable; audited",
        body: erasureBody,
        response: {
          200: described('what was erased, per table', erasureResult),
          ...errorResponses(400, 401, 403, 415, 503),
        },
      },
    },
    async (req) => {
      const by = actor(req);
      const result = await eraseEmail(deps.pipeline, { email: req.body.email, by });
      req.log.info(
        { by, erasure: result.id, emailSha256: result.emailSha256, rows: result.rows },
        'personal data erased',
      );
      return result;
    },
  );

  app.get(
    '/v1/admin/erasures',
    {
      onRequest: guard('viewer'),
      schema: {
        tags,
        security,
        summary: 'The erasure audit trail, newest first: who, when, how many rows (the email only as its hash)',
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: described('erasures, newest first', erasureList), ...errorResponses(400, 401, 503) },
      },
    },
    async (req) => ({ erasures: await listErasureAudit(deps.pipeline, req.query.limit) }),
  );
}
