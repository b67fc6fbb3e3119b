// What reps import and the periodic CRM user check share (docs/accounts.md "Reps from the CRM"):
// the CRMs' owner lists, the active config's reps, and the away mark a deactivated CRM user's
// rep gets in the availability overlay (routing reads it without a publish).
import type { CrmOwner } from '../connector.js';
import { getActiveConfig, setRepAvailabilityIf, type Db } from '../db/index.js';
import type { CrmName } from '../lead/index.js';
import { effective } from './rep-availability.js';

export interface ConfigRep {
  id: string;
  name?: string;
  email?: string;
  crmIds?: Partial<Record<CrmName, string>>;
  active?: boolean;
  [key: string]: unknown;
}

export type OwnerLists = Partial<Record<CrmName, () => Promise<CrmOwner[]>>>;

/** The active config, its document and its reps (none when nothing is published yet). */
export async function activeConfigReps(db: Db) {
  const active = await getActiveConfig(db);
  const doc = (active?.document ?? {}) as { routing?: { reps?: ConfigRep[] } & Record<string, unknown> } & Record<
    string,
    unknown
  >;
  return { active, doc, reps: doc.routing?.reps ?? [] };
}

/** Every list, one CRM after the other. */
export async function listEveryCrm(lists: OwnerLists): Promise<Partial<Record<CrmName, CrmOwner[]>>> {
  const owners: Partial<Record<CrmName, CrmOwner[]>> = {};
  for (const [crm, list] of Object.entries(lists) as Array<[CrmName, () => Promise<CrmOwner[]>]>)
    owners[crm] = await list();
  return owners;
}

/** The note of the away mark; the check reads the CRMs back from `by`, not from here. */
export const deactivatedNote = (crms: readonly string[]) => `CRM user deactivated (${crms.join(', ')})`;

/**
 * Marks the rep away, audited with `by` as the actor, unless it is away already (checked under the
 * row lock, so a person's mark set a moment before is kept as it is). Returns whether it marked.
 */
export async function markCrmUserDeactivated(
  deps: { db: Db; now: () => Date },
  repId: string,
  crms: readonly string[],
  by: string,
): Promise<boolean> {
  const now = deps.now();
  const applied = await setRepAvailabilityIf(
    deps.db,
    repId,
    { status: 'away', since: now, note: deactivatedNote(crms) },
    by,
    (current) => effective(current, now) !== 'away',
  );
  return applied !== undefined;
}
