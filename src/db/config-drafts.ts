// Config drafts: documents an admin edits before publishing. A draft may be invalid while it is
// being edited; validation happens at publish. A draft is never active.
import { desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { configDrafts } from './schema.js';

/** A draft as the API answers it: the typed YAML is the console's (getConfigDraftYaml), not part of it. */
export type ConfigDraftRow = Omit<typeof configDrafts.$inferSelect, 'yaml'>;
export type ConfigDraftSummary = Omit<ConfigDraftRow, 'document'>;

const { yaml: _yaml, ...rowColumns } = getTableColumns(configDrafts);

export async function insertConfigDraft(
  db: DbOrTx,
  draft: { name: string; document: unknown; baseVersion: number | null; author: string },
): Promise<ConfigDraftRow> {
  const [row] = await db.insert(configDrafts).values(draft).returning(rowColumns);
  return row!;
}

export async function getConfigDraft(db: DbOrTx, id: string): Promise<ConfigDraftRow | undefined> {
  const [row] = await db.select(rowColumns).from(configDrafts).where(eq(configDrafts.id, id));
  return row;
}

/** The YAML the admin last saved in the console, comments and all; null when the document was last set another way. */
export async function getConfigDraftYaml(db: DbOrTx, id: string): Promise<string | null> {
  const [row] = await db.select({ yaml: configDrafts.yaml }).from(configDrafts).where(eq(configDrafts.id, id));
  return row?.yaml ?? null;
}

export async function listConfigDrafts(db: DbOrTx, limit = 100): Promise<ConfigDraftSummary[]> {
  return db
    .select({
      id: configDrafts.id,
      name: configDrafts.name,
      baseVersion: configDrafts.baseVersion,
      author: configDrafts.author,
      createdAt: configDrafts.createdAt,
      updatedAt: configDrafts.updatedAt,
    })
    .from(configDrafts)
    .orderBy(desc(configDrafts.updatedAt))
    .limit(limit);
}

/**
 * Undefined when there is no such draft. A new document drops the saved YAML unless `yaml` is the
 * text it was parsed from: the text shown must be the document's.
 */
export async function updateConfigDraft(
  db: DbOrTx,
  id: string,
  patch: { name?: string; document?: unknown; yaml?: string },
): Promise<ConfigDraftRow | undefined> {
  const [row] = await db
    .update(configDrafts)
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.document !== undefined && { document: patch.document, yaml: patch.yaml ?? null }),
      updatedAt: sql`now()`,
    })
    .where(eq(configDrafts.id, id))
    .returning(rowColumns);
  return row;
}

/** Whether a draft was deleted. */
export async function deleteConfigDraft(db: DbOrTx, id: string): Promise<boolean> {
  const rows = await db.delete(configDrafts).where(eq(configDrafts.id, id)).returning({ id: configDrafts.id });
  return rows.length > 0;
}

/** Deletes a draft and returns what it held (publishing consumes the draft), or undefined. */
export async function takeConfigDraft(db: DbOrTx, id: string): Promise<ConfigDraftRow | undefined> {
  const [row] = await db.delete(configDrafts).where(eq(configDrafts.id, id)).returning(rowColumns);
  return row;
}
