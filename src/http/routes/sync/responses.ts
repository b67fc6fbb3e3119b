// The answers of the ownership-sync APIs, for the OpenAPI document (full types: src/pipeline/sync-views.ts, sla-timers.ts).
import { z } from 'zod';

const record = z.object({ crm: z.string(), objectType: z.string(), recordId: z.string() });
const owner = z.object({ crmOwnerId: z.string().nullable(), repId: z.string().nullable() });

export const conflictPage = z.object({
  items: z.array(
    z.looseObject({
      id: z.string(),
      leadId: z.uuid(),
      record,
      routerOwner: owner.describe('the owner routing chose'),
      crmOwner: owner.describe('the owner a person set in the CRM'),
      changedBy: z.string().nullable(),
      policy: z.string(),
      outcome: z.string(),
      reason: z.string(),
      occurredAt: z.string(),
    }),
  ),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next (older) page; null on the last page'),
});

export const leadHistory = z.object({
  leadId: z.uuid(),
  record,
  owner,
  entries: z.array(
    z.looseObject({
      at: z.string(),
      type: z
        .string()
        .describe(
          'routed, written, confirmed, changed_in_crm, adopted, reverted, sla_started, sla_breached, claimed, …',
        ),
    }),
  ),
});

export const claimResult = z.object({
  leadId: z.uuid(),
  claimedAt: z.string(),
  claimedBy: z.string(),
  timers: z
    .array(z.object({ id: z.string(), repId: z.string(), dueAt: z.string() }))
    .describe('the SLA timers the claim ended (empty when none was running)'),
});
