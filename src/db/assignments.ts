import { desc, eq } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { assignments } from './schema.js';

export type NewAssignment = typeof assignments.$inferInsert;
export type AssignmentRow = typeof assignments.$inferSelect;

export async function insertAssignment(tx: DbOrTx, a: NewAssignment): Promise<string> {
  const [row] = await tx.insert(assignments).values(a).returning({ id: assignments.id });
  return row!.id;
}

export async function latestAssignmentForLead(db: DbOrTx, leadId: string): Promise<AssignmentRow | undefined> {
  const [row] = await db.select().from(assignments).where(eq(assignments.leadId, leadId)).orderBy(desc(assignments.createdAt)).limit(1);
  return row;
}
