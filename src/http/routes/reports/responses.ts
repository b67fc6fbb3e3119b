// The answers of GET /v1/reports/*, for the OpenAPI document (full types: src/pipeline/report-views.ts).
import { z } from 'zod';

const period = {
  from: z.string().describe('start of the period (inclusive)'),
  to: z.string().describe('end (exclusive)'),
};
const ms = z.number().int().nullable();
const percentiles = { p50_ms: ms, p95_ms: ms, p99_ms: ms };
const stage = z.object({ count: z.number().int(), ...percentiles });

export const speedToLeadView = z.object({
  ...period,
  bucket: z.enum(['day', 'week']),
  overall: stage.describe('CRM created-at (else received) to owner written, leads whose owner was written'),
  stages: z
    .object({
      created_to_received: stage,
      received_to_decided: stage,
      decided_to_written: stage,
      written_to_confirmed: stage,
    })
    .describe('each step of the way, over the leads that reached its end'),
  buckets: z.array(z.object({ start: z.string(), count: z.number().int(), ...percentiles })),
});

export const distributionView = z.object({
  ...period,
  pools: z.array(
    z.object({
      pool: z.string(),
      leads: z.number().int(),
      reps: z.array(
        z.object({
          rep: z.string(),
          leads: z.number().int(),
          target: z.number().describe('fair share: pool leads x weight x availability / sum over the members'),
          shortfall: z.number().describe('target - leads: positive = fewer than a fair share'),
          weight: z.number(),
          availability: z.number().describe('fraction of the period not away (0..1)'),
        }),
      ),
    }),
  ),
});

export const unassignedView = z.object({
  ...period,
  total: z.number().int(),
  reasons: z.array(z.object({ reason: z.string(), outcome: z.string(), count: z.number().int() })),
});

export const waitingView = z.object({
  count: z.number().int().describe('every lead a full pool holds now'),
  leads: z.array(
    z.object({
      leadId: z.string().nullable().describe('null for a record never routed before'),
      eventId: z.string(),
      pool: z.string().nullable(),
      since: z.string(),
      ageSeconds: z.number().int(),
    }),
  ),
});

export const slaView = z.object({
  ...period,
  breaches: z.number().int(),
  reassignments: z.number().int(),
  escalations: z.number().int(),
  stopped: z.number().int(),
  armed: z.number().int(),
  claimedInTime: z.number().int(),
  byPool: z.array(z.object({ pool: z.string(), breaches: z.number().int(), reassignments: z.number().int() })),
});

export const conflictsReportView = z.object({
  ...period,
  total: z.number().int(),
  byPolicy: z.array(z.object({ policy: z.string(), outcome: z.string(), count: z.number().int() })),
});

export const shadowView = z.object({
  ...period,
  decided: z.number().int(),
  crmAssigned: z.number().int(),
  agreed: z.number().int(),
  agreementRate: z.number().nullable().describe('agreed / crmAssigned; null when the CRM assigned none yet'),
  differences: z.array(
    z.looseObject({
      leadId: z.string(),
      ours: z.looseObject({ rep: z.string().nullable(), reason: z.string() }),
      crm: z.looseObject({ owner: z.string(), rep: z.string().nullable().optional() }),
    }),
  ),
});
