// The periodic CRM user check (docs/accounts.md "Reps from the CRM"): one process of the fleet
// (the leader) lists each configured CRM's users every CRM_USER_SYNC_INTERVAL_MS, deactivated ones
// included, as background work behind owner writes (HubSpot: the owner pages, archived too;
// Salesforce: one SOQL query of User with IsActive). A rep of the active config whose CRM user
// is now inactive, or gone from the list, is marked away in the availability overlay (audited,
// actor `crm-sync:<crm>`), so the next decision skips them without a publish. When the user is
// active again, the rep is marked back, but only if the away mark is still this check's own: a
// person's away (or reps import's) is never undone here.
import type { CrmOwner } from '../connector.js';
import { readRepAvailability, setRepAvailabilityIf, type Db } from '../db/index.js';
import type { CrmName } from '../lead/index.js';
import type { Logger } from '../logger.js';
import type { RepStatus } from '../routing/index.js';
import { every } from './account-mirror-loops.js';
import { activeConfigReps, markCrmUserDeactivated, type OwnerLists } from './crm-users.js';
import { effective } from './rep-availability.js';

const actorPrefix = 'crm-sync:';

export interface CrmUserSyncDeps {
  db: Db;
  now: () => Date;
  logger: Logger;
}

export interface CrmUserSyncResult {
  markedAway: string[];
  markedBack: string[];
  /** CRMs whose list failed (or came back empty): their reps are left as they are this round. */
  unlisted: CrmName[];
}

/** One round of the check. */
export async function syncCrmUsers(deps: CrmUserSyncDeps, lists: OwnerLists): Promise<CrmUserSyncResult> {
  const users: Partial<Record<CrmName, Map<string, CrmOwner>>> = {};
  const unlisted: CrmName[] = [];
  for (const [crm, list] of Object.entries(lists) as Array<[CrmName, () => Promise<CrmOwner[]>]>) {
    try {
      const owners = await list();
      // An org always has users (the integration's own among them): an empty list is a permission
      // or API problem, and taking it at its word would mark every rep away.
      if (owners.length === 0) throw new Error('the CRM listed no users');
      users[crm] = new Map(owners.map((o) => [o.id, o]));
    } catch (err) {
      deps.logger.warn({ crm, err: (err as Error).message }, 'CRM users not listed; their reps are left as they are');
      unlisted.push(crm);
    }
  }
  const result: CrmUserSyncResult = { markedAway: [], markedBack: [], unlisted };
  const { reps } = await activeConfigReps(deps.db);
  const statuses = await readRepAvailability(deps.db);
  for (const rep of reps) {
    const ids = Object.entries(rep.crmIds ?? {}) as Array<[CrmName, string]>;
    const listed = ids.filter(([crm]) => users[crm]);
    if (listed.length === 0) continue;
    const deactivated = listed.filter(([crm, id]) => users[crm]!.get(id)?.active !== true).map(([crm]) => crm);
    const status = statuses[rep.id];
    if (deactivated.length > 0) {
      // Away already (a person's mark, or ours from an earlier round): nothing to add.
      if (effective(status, deps.now()) === 'away') continue;
      if (!(await markCrmUserDeactivated(deps, rep.id, deactivated, actorPrefix + deactivated.join('+')))) continue;
      deps.logger.info({ repId: rep.id, crms: deactivated }, 'CRM user deactivated: rep marked away');
      result.markedAway.push(rep.id);
      continue;
    }
    // Back only from our own mark (checked again under the row lock: a person may mark the rep
    // away meanwhile), and only once every CRM the rep has an id in was listed active.
    const ours = (s: RepStatus | undefined) => s?.status === 'away' && s.by?.startsWith(actorPrefix) === true;
    if (!ours(status) || listed.length < ids.length) continue;
    const crms = ids.map(([crm]) => crm);
    const back = await setRepAvailabilityIf(
      deps.db,
      rep.id,
      { status: 'back', since: deps.now(), note: `CRM user active again (${crms.join(', ')})` },
      actorPrefix + crms.join('+'),
      ours,
    );
    if (!back) continue;
    deps.logger.info({ repId: rep.id, crms }, 'CRM user active again: rep marked back');
    result.markedBack.push(rep.id);
  }
  return result;
}

/** The leader's loop: a round every `intervalMs` (the first one interval after start); resolves with how to stop it. */
export function startCrmUserSync(deps: CrmUserSyncDeps, lists: OwnerLists, intervalMs: number) {
  const stop = every(intervalMs, async () => {
    try {
      await syncCrmUsers(deps, lists);
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'CRM user check failed; will try again');
    }
  });
  return async () => stop();
}
