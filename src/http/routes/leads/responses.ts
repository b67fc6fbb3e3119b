// The answers of the lead read APIs and route preview, for the OpenAPI document. Loose objects:
// they name the fields a client relies on (src/pipeline/lead-views.ts, lead-list.ts,
// route-preview.ts hold the full types) and do not gate the answer (parse.ts's serializer).
import { z } from 'zod';

const record = z.object({ crm: z.string(), objectType: z.string(), recordId: z.string() });
const owner = z.looseObject({ repId: z.string().nullable(), crmOwnerId: z.string().nullable() });

export const leadView = z.looseObject({
  id: z.uuid(),
  source: record,
  lead: z.unknown().describe('the canonical lead'),
  owner: owner.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  assignments: z
    .array(z.looseObject({ createdAt: z.string() }))
    .describe('every assignment the lead had, oldest first'),
});

export const pendingLead = z.looseObject({
  leadId: z.null(),
  eventId: z.uuid(),
  status: z.string().describe('the event: pending, processing, failed, refused'),
  event: z.looseObject({
    source: z.string(),
    sourceEventId: z.string(),
    record,
    attempts: z.number(),
    lastError: z.string().nullable(),
    receivedAt: z.string(),
  }),
});

export const decisionView = z.looseObject({
  leadId: z.uuid(),
  assignmentId: z.string(),
  eventId: z.string(),
  eventSource: z.string(),
  configVersion: z.number().int(),
  createdAt: z.string(),
  outcome: z.string(),
  reasonCode: z.string(),
  decision: z
    .looseObject({})
    .describe('the decision with its full trace: every rule tested, every rep skipped and why, who won and why'),
});

export const decisionText = z
  .string()
  .describe('the decision explained in plain text (?format=text or Accept: text/plain)');

export const leadListPage = z.object({
  leads: z.array(
    z.looseObject({
      id: z.uuid(),
      url: z.string(),
      source: record,
      email: z.string().nullable(),
      domain: z.string().nullable(),
      owner: owner.nullable(),
      createdAt: z.string(),
      decision: z
        .looseObject({
          eventId: z.string(),
          outcome: z.string(),
          poolId: z.string().nullable(),
          ruleId: z.string().nullable(),
        })
        .nullable(),
    }),
  ),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});

const decisionSummary = z.looseObject({
  kind: z.string(),
  ownerId: z.string().optional(),
  poolId: z.string().optional(),
  ruleId: z.string().optional(),
  code: z.string(),
  reasons: z.array(z.unknown()),
});

export const previewOutput = z.object({
  at: z.string(),
  config: z.looseObject({ kind: z.enum(['active', 'draft']) }),
  results: z.array(
    z.looseObject({
      index: z.number().int(),
      decision: decisionSummary,
      mappingWarnings: z.array(z.unknown()),
      notifications: z
        .array(
          z.object({
            event: z.string(),
            channel: z.string(),
            target: z.string(),
            subject: z.string(),
            text: z.string(),
            notBefore: z.string().optional(),
          }),
        )
        .optional()
        .describe('what the assignment would send, rendered (docs/notifications.md)'),
      active: decisionSummary.optional(),
      changed: z.boolean().optional(),
    }),
  ),
  summary: z.looseObject({
    leads: z.number(),
    assigned: z.number(),
    unassigned: z.number(),
    queued: z.number(),
    byOwner: z.record(z.string(), z.number()),
  }),
});
