import { eq } from 'drizzle-orm';
import type { DbOrTx } from './client.js';
import { connectorState } from './schema.js';

export async function getConnectorState<T>(db: DbOrTx, key: string): Promise<T | undefined> {
  const [row] = await db
    .select({ value: connectorState.value })
    .from(connectorState)
    .where(eq(connectorState.key, key));
  return row?.value as T | undefined;
}

export async function setConnectorState(db: DbOrTx, key: string, value: unknown, now: Date): Promise<void> {
  await db
    .insert(connectorState)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: connectorState.key, set: { value, updatedAt: now } });
}
