// Published config versions (immutable rows) and the one pointer to the active version.
// Publish and rollback run under one transaction-scoped advisory lock, so two at once are
// serialised: version numbers stay unique and gap-free, and the pointer moves in order.
import { desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from './client.js';
import { configActivations, configActive, configVersions } from './schema.js';

export type ConfigVersionRow = typeof configVersions.$inferSelect;
export type ConfigVersionSummary = Omit<ConfigVersionRow, 'document'>;
export type ConfigActivationRow = typeof configActivations.$inferSelect;
export interface Activation {
  kind: 'bootstrap' | 'publish' | 'rollback';
  by: string;
  message?: string | undefined;
}

// Any constant works; it only has to be the same for every process that publishes.
// Routing transactions of a partitioned config hold it shared (routing-state.ts): a publish waits for them, and they for it.
export const publishLockKey = 0x4c52_0c0f;

export async function getActiveConfig(db: DbOrTx): Promise<ConfigVersionRow | undefined> {
  const [row] = await db
    .select({
      version: configVersions.version,
      document: configVersions.document,
      author: configVersions.author,
      message: configVersions.message,
      diff: configVersions.diff,
      createdAt: configVersions.createdAt,
    })
    .from(configActive)
    .innerJoin(configVersions, eq(configActive.version, configVersions.version))
    .where(eq(configActive.id, 1));
  return row;
}

export async function getActiveVersionNumber(db: DbOrTx): Promise<number | undefined> {
  const [row] = await db.select({ version: configActive.version }).from(configActive).where(eq(configActive.id, 1));
  return row?.version;
}

/** The pointer itself: which version is active and since when. */
export async function getActivePointer(db: DbOrTx): Promise<{ version: number; activatedAt: Date } | undefined> {
  const [row] = await db
    .select({ version: configActive.version, activatedAt: configActive.updatedAt })
    .from(configActive)
    .where(eq(configActive.id, 1));
  return row;
}

/** Makes version 1 active when nothing is yet; safe when several processes start at once. */
export async function bootstrapConfig(db: DbOrTx, document: unknown, author: string, message: string): Promise<void> {
  await db.insert(configVersions).values({ version: 1, document, author, message, diff: [] }).onConflictDoNothing();
  const activated = await db
    .insert(configActive)
    .values({ id: 1, version: 1 })
    .onConflictDoNothing()
    .returning({ version: configActive.version });
  if (activated.length > 0)
    await db.insert(configActivations).values({ version: 1, kind: 'bootstrap', by: author, message });
}

export async function latestConfigVersion(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ v: sql<number>`coalesce(max(${configVersions.version}), 0)` }).from(configVersions);
  return Number(row?.v ?? 0);
}

export async function listConfigVersions(db: DbOrTx, limit = 100): Promise<ConfigVersionSummary[]> {
  return db
    .select({
      version: configVersions.version,
      author: configVersions.author,
      message: configVersions.message,
      diff: configVersions.diff,
      createdAt: configVersions.createdAt,
    })
    .from(configVersions)
    .orderBy(desc(configVersions.version))
    .limit(limit);
}

export async function getConfigVersion(db: DbOrTx, version: number): Promise<ConfigVersionRow | undefined> {
  const [row] = await db.select().from(configVersions).where(eq(configVersions.version, version));
  return row;
}

/** Held until the transaction ends; every publish and rollback takes it first. */
export async function lockConfigLifecycle(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${publishLockKey})`);
}

/** Call under lockConfigLifecycle: the next number is read and used in the same locked transaction. */
export async function insertConfigVersion(
  tx: Tx,
  row: { document: unknown; author: string; message: string; diff: unknown },
): Promise<ConfigVersionRow> {
  const version = (await latestConfigVersion(tx)) + 1;
  const [inserted] = await tx
    .insert(configVersions)
    .values({ version, ...row })
    .returning();
  return inserted!;
}

/** Moves the pointer (creating it on an empty database) and records who moved it and why. Call under lockConfigLifecycle. */
export async function setActiveConfigVersion(
  tx: DbOrTx,
  version: number,
  by: Activation,
): Promise<{ version: number; activatedAt: Date }> {
  const before = await getActiveVersionNumber(tx);
  const [row] = await tx
    .insert(configActive)
    .values({ id: 1, version })
    .onConflictDoUpdate({ target: configActive.id, set: { version, updatedAt: sql`now()` } })
    .returning({ version: configActive.version, activatedAt: configActive.updatedAt });
  await tx.insert(configActivations).values({
    version,
    previousVersion: before ?? null,
    kind: by.kind,
    by: by.by,
    message: by.message ?? null,
    at: row!.activatedAt,
  });
  return row!;
}

/** The pointer's history, newest first. */
export async function listConfigActivations(db: DbOrTx, limit = 100): Promise<ConfigActivationRow[]> {
  return db
    .select()
    .from(configActivations)
    .orderBy(desc(configActivations.at), desc(configActivations.id))
    .limit(limit);
}
