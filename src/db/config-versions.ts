import { desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { configActive, configVersions } from './schema.js';

export type ConfigVersionRow = typeof configVersions.$inferSelect;

export async function getActiveConfig(db: DbOrTx): Promise<ConfigVersionRow | undefined> {
  const [row] = await db
    .select({ version: configVersions.version, document: configVersions.document, author: configVersions.author, message: configVersions.message, diff: configVersions.diff, createdAt: configVersions.createdAt })
    .from(configActive)
    .innerJoin(configVersions, eq(configActive.version, configVersions.version))
    .where(eq(configActive.id, 1));
  return row;
}

export async function getActiveVersionNumber(db: DbOrTx): Promise<number | undefined> {
  const [row] = await db.select({ version: configActive.version }).from(configActive).where(eq(configActive.id, 1));
  return row?.version;
}

/** Makes version 1 active when nothing is yet; safe when several processes start at once. */
export async function bootstrapConfig(db: DbOrTx, document: unknown, author: string, message: string): Promise<void> {
  await db.insert(configVersions).values({ version: 1, document, author, message, diff: [] }).onConflictDoNothing();
  await db.insert(configActive).values({ id: 1, version: 1 }).onConflictDoNothing();
}

export async function latestConfigVersion(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ v: sql<number>`coalesce(max(${configVersions.version}), 0)` }).from(configVersions);
  return Number(row?.v ?? 0);
}

export async function listConfigVersions(db: DbOrTx, limit = 100): Promise<Omit<ConfigVersionRow, 'document'>[]> {
  return db
    .select({ version: configVersions.version, author: configVersions.author, message: configVersions.message, diff: configVersions.diff, createdAt: configVersions.createdAt })
    .from(configVersions)
    .orderBy(desc(configVersions.version))
    .limit(limit);
}
