import type { DbOrTx } from './client.js';
import { assignments } from './schema.js';

export type NewAssignment = typeof assignments.$inferInsert;
export type AssignmentRow = typeof assignments.$inferSelect;

/** Returns the new assignment id per event id. */
export async function insertAssignments(tx: DbOrTx, rows: NewAssignment[]): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const out = await tx.insert(assignments).values(rows).returning({ id: assignments.id, eventId: assignments.eventId });
  return new Map(out.map((r) => [r.eventId, r.id]));
}
