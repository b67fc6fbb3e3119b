// Read-only queries behind the lead APIs and the route preview. Nothing here locks or writes:
// a preview must leave routing state exactly as it found it, and a "why did X get this lead"
// read must never hold up the routing transactions.
import { asc, desc, eq, inArray } from 'drizzle-orm';
import type { RoutingState } from '../routing/index.js';
import type { Db, DbOrTx } from './client.js';
import { readRepAvailability } from './rep-availability.js';
import { assignments, inboundEvents, leads, rotationCursors, routingCounters } from './schema.js';

export type LeadRecord = typeof leads.$inferSelect;

/** An assignment as the lead APIs show it: the decision row plus the event that triggered it. */
export interface AssignmentSummary {
  id: string;
  eventId: string;
  eventSource: string;
  outcome: string;
  repId: string | null;
  crmOwnerId: string | null;
  poolId: string | null;
  ruleId: string | null;
  reasonCode: string;
  configVersion: number;
  createdAt: Date;
}

/** An assignment as lead views list it, with the source of the event that triggered it. */
export const assignmentSummaryColumns = {
  id: assignments.id,
  eventId: assignments.eventId,
  eventSource: inboundEvents.source,
  outcome: assignments.outcome,
  repId: assignments.repId,
  crmOwnerId: assignments.crmOwnerId,
  poolId: assignments.poolId,
  ruleId: assignments.ruleId,
  reasonCode: assignments.reasonCode,
  configVersion: assignments.configVersion,
  createdAt: assignments.createdAt,
};

/** A stored lead as the route preview re-routes it: its canonical lead and who owns it now. */
export interface StoredLeadForPreview {
  id: string;
  data: unknown;
  ownerRepId: string | null;
  createdAt: Date;
}

/** The `limit` most recently stored leads, newest first (id breaks a tie stably). Reads only. */
export async function listRecentLeads(db: DbOrTx, limit: number): Promise<StoredLeadForPreview[]> {
  return db
    .select({ id: leads.id, data: leads.data, ownerRepId: leads.ownerRepId, createdAt: leads.createdAt })
    .from(leads)
    .orderBy(desc(leads.createdAt), desc(leads.id))
    .limit(limit);
}

export async function findLead(db: DbOrTx, id: string): Promise<LeadRecord | undefined> {
  const [row] = await db.select().from(leads).where(eq(leads.id, id));
  return row;
}

/** Every assignment of a lead, oldest first (the lead's routing history). */
export async function listLeadAssignments(db: DbOrTx, leadId: string): Promise<AssignmentSummary[]> {
  return db
    .select(assignmentSummaryColumns)
    .from(assignments)
    .innerJoin(inboundEvents, eq(inboundEvents.id, assignments.eventId))
    .where(eq(assignments.leadId, leadId))
    .orderBy(asc(assignments.createdAt), asc(assignments.id));
}

/**
 * The latest decision of a lead with its full stored trace. Assignments of one lead come from
 * different transactions (one per trigger), so created_at orders them; id breaks a tie stably.
 */
export async function latestLeadDecision(
  db: DbOrTx,
  leadId: string,
): Promise<(AssignmentSummary & { decision: unknown }) | undefined> {
  const [row] = await db
    .select({ ...assignmentSummaryColumns, decision: assignments.decision })
    .from(assignments)
    .innerJoin(inboundEvents, eq(inboundEvents.id, assignments.eventId))
    .where(eq(assignments.leadId, leadId))
    .orderBy(desc(assignments.createdAt), desc(assignments.id))
    .limit(1);
  return row;
}

/**
 * The newest decision of any lead, with its lead id: what "show me the last decision" answers.
 * assignments_created_idx (created_at, id), read backwards, finds it without a scan.
 */
export async function latestDecision(
  db: DbOrTx,
): Promise<(AssignmentSummary & { leadId: string; decision: unknown }) | undefined> {
  const [row] = await db
    .select({ ...assignmentSummaryColumns, leadId: assignments.leadId, decision: assignments.decision })
    .from(assignments)
    .innerJoin(inboundEvents, eq(inboundEvents.id, assignments.eventId))
    .orderBy(desc(assignments.createdAt), desc(assignments.id))
    .limit(1);
  return row;
}

/**
 * Routing state as it stands, in one read-only snapshot, without locks and without creating
 * missing cursor rows (the routing transaction inserts those; a preview must not). Missing rows
 * read as decide() expects: no cursor, counters at 0.
 */
export async function readRoutingState(db: Db, keys: { pools: string[]; counters: string[] }): Promise<RoutingState> {
  return db.transaction(
    async (tx) => {
      const state: RoutingState = { cursors: {}, counters: {} };
      if (keys.pools.length) {
        for (const r of await tx.select().from(rotationCursors).where(inArray(rotationCursors.poolId, keys.pools)))
          state.cursors[r.poolId] = r.position;
      }
      if (keys.counters.length) {
        for (const r of await tx.select().from(routingCounters).where(inArray(routingCounters.key, keys.counters)))
          state.counters[r.key] = r.value;
      }
      state.availability = await readRepAvailability(tx);
      return state;
    },
    // Cursors and counters from the same moment, and a guarantee that nothing here writes.
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
