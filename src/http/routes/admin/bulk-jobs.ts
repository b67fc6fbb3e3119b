// Bulk jobs (docs/bulk.md): reroutes and imports the CLI runs, listed and shown (viewer) and
// cancelled (editor). The job's process stops at its next chunk; what it did stays done.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { cancelBulkJob, getBulkJobView, listBulkJobsView } from '../../../pipeline/index.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import { actor, type Guard } from './guard.js';

const tags = ['bulk'];
const params = z.strictObject({ id: z.uuid() });
const listQuery = z.strictObject({
  kind: z.enum(['reroute', 'import']).optional(),
  status: z.enum(['running', 'done', 'cancelled', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
const cancelBody = z.strictObject({}).optional();

export const bulkJob = z
  .object({
    id: z.string(),
    kind: z.string().describe('reroute or import'),
    status: z.string().describe('running, done, cancelled or failed'),
    params: z.record(z.string(), z.unknown()).describe('what was asked: filter, config, options; or file and source'),
    counts: z
      .record(z.string(), z.number())
      .describe('reroute: total, moved, kept, unplaced, skipped; import: rows, imported, duplicates, refused'),
    errors: z
      .array(
        z.object({
          line: z.number().int().optional().describe('the CSV line of a refused row'),
          leadId: z.string().optional(),
          reason: z.string(),
        }),
      )
      .describe('the first 1000 refused rows or failures'),
    createdBy: z.string(),
    cancelRequestedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z
      .string()
      .describe('last progress written: a running job whose updatedAt stops moving lost its process'),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'BulkJob' });
export const bulkJobList = z.object({ jobs: z.array(bulkJob) });

export function bulkJobRoutes(server: FastifyInstance, deps: HttpDeps, guard: Guard): void {
  const app = server.withTypeProvider<ApiTypes>();
  const security = adminToken;
  app.get(
    '/v1/admin/bulk-jobs',
    {
      onRequest: guard('viewer'),
      schema: {
        tags,
        security,
        summary: 'Reroute and import jobs, newest first, with their status, counts and errors',
        querystring: listQuery,
        response: { 200: described('the jobs', bulkJobList), ...errorResponses(400, 401, 503) },
      },
    },
    async (req) => listBulkJobsView(deps.pipeline, req.query),
  );
  app.get(
    '/v1/admin/bulk-jobs/:id',
    {
      onRequest: guard('viewer'),
      schema: {
        tags,
        security,
        summary: 'One bulk job',
        params,
        response: { 200: described('the job', bulkJob), ...errorResponses(400, 401, 404, 503) },
      },
    },
    async (req) => getBulkJobView(deps.pipeline, req.params.id),
  );
  app.post(
    '/v1/admin/bulk-jobs/:id/cancel',
    {
      onRequest: guard('editor'),
      schema: {
        tags,
        security,
        summary: 'Stop a running job at its next chunk; what it already did stays done',
        params,
        body: cancelBody,
        response: {
          200: described('the job, with cancelRequestedAt set', bulkJob),
          ...errorResponses(400, 401, 403, 404, 409, 415, 503),
        },
      },
    },
    async (req) => {
      const job = await cancelBulkJob(deps.pipeline, req.params.id);
      req.log.info({ by: actor(req), jobId: job.id, kind: job.kind }, 'bulk job cancel asked');
      return job;
    },
  );
}
