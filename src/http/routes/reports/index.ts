// GET /v1/reports/*: speed to lead, distribution against fair targets, unassigned and waiting
// leads, SLA, conflicts and shadow-mode agreement (docs/reports.md). Admin token, viewer or editor.
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import {
  conflictsReport,
  distributionReport,
  shadowReport,
  slaReport,
  speedToLeadReport,
  unassignedReport,
  waitingReport,
} from '../../../pipeline/index.js';
import { errors } from '../../../errors.js';
import type { HttpDeps } from '../../deps.js';
import { adminToken, described, errorResponses, type ApiTypes } from '../../route-schema.js';
import { viewerOnly } from '../sync/auth.js';
import {
  conflictsReportView,
  distributionView,
  shadowView,
  slaView,
  speedToLeadView,
  unassignedView,
  waitingView,
} from './responses.js';

const isoTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time with offset' });
const periodQuery = {
  from: isoTime.optional().describe('start, inclusive; default: 7 days before `to`'),
  to: isoTime.optional().describe('end, exclusive; default: now'),
};
const name = z.string().min(1).max(200);

/** Default: the last 7 days. A period must run forwards and span at most 400 days. */
function periodOf(q: { from?: string | undefined; to?: string | undefined }, now: Date) {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 7 * 86_400_000);
  if (from.getTime() >= to.getTime()) throw errors.validation([{ path: 'query.from', message: 'must be before `to`' }]);
  if (to.getTime() - from.getTime() > 400 * 86_400_000)
    throw errors.validation([{ path: 'query.from', message: 'a report spans at most 400 days' }]);
  return { from, to };
}

export function reportRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const auth = viewerOnly(deps);
  const api = app.withTypeProvider<ApiTypes>();
  const now = () => deps.pipeline.now();
  const common = { tags: ['reports'], security: adminToken };
  const fails = errorResponses(400, 401, 503);

  api.get(
    '/v1/reports/speed-to-lead',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: 'Speed to lead: p50/p95/p99 overall, per stage and per day or week',
        description:
          'Counts are exact. Percentiles are exact (percentile_disc) up to 30,000 leads in the period; above, ' +
          'from per-day log histograms, each within 2.44 % (then rounded to the ms) of the exact one (docs/reports.md).',
        querystring: z.object({
          ...periodQuery,
          bucket: z.enum(['day', 'week']).default('day'),
          crm: name.optional(),
          pool: name.optional(),
          source: name.optional().describe("the lead's leadSource, else its intake source (hubspot, api:web-form…)"),
        }),
        response: { 200: described('percentiles in milliseconds', speedToLeadView), ...fails },
      },
    },
    async (req) => speedToLeadReport(deps.pipeline, { ...req.query, ...periodOf(req.query, now()) }),
  );

  api.get(
    '/v1/reports/distribution',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: "Leads per rep per pool against each rep's fair target (weight- and availability-adjusted)",
        querystring: z.object({ ...periodQuery, pool: name.optional() }),
        response: { 200: described('per pool, per rep', distributionView), ...fails },
      },
    },
    async (req) => distributionReport(deps.pipeline, { ...periodOf(req.query, now()), pool: req.query.pool }),
  );

  api.get(
    '/v1/reports/waiting',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: 'Leads a full pool holds now, oldest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        response: { 200: described('the count of all, and the oldest `limit`', waitingView), ...fails },
      },
    },
    async (req) => waitingReport(deps.pipeline, req.query.limit),
  );

  // The reports that take a period and nothing else.
  const periodReports = [
    [
      '/v1/reports/unassigned',
      'Leads not assigned (unassigned, skipped) by reason code',
      'counts by reason, largest first',
      unassignedView,
      unassignedReport,
    ],
    [
      '/v1/reports/sla',
      'SLA breaches (by when they fired) and the reassignments they made',
      'totals and per pool',
      slaView,
      slaReport,
    ],
    [
      '/v1/reports/conflicts',
      "A person's reassignments in the CRM by conflict policy and outcome",
      'counts by policy and outcome',
      conflictsReportView,
      conflictsReport,
    ],
  ] as const;
  for (const [url, summary, answer, view, report] of periodReports)
    api.get(
      url,
      {
        onRequest: auth,
        schema: {
          ...common,
          summary,
          querystring: z.object(periodQuery),
          response: { 200: described(answer, view), ...fails },
        },
      },
      async (req) => report(deps.pipeline, periodOf(req.query, now())),
    );

  api.get(
    '/v1/reports/shadow',
    {
      onRequest: auth,
      schema: {
        ...common,
        summary: "Shadow mode: our decisions against the owner the CRM's own process set",
        querystring: z.object({
          ...periodQuery,
          crm: name.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100).describe('differences listed, newest first'),
        }),
        response: { 200: described('agreement and the leads where we differ', shadowView), ...fails },
      },
    },
    async (req) =>
      shadowReport(deps.pipeline, { ...periodOf(req.query, now()), crm: req.query.crm, limit: req.query.limit }),
  );
}
