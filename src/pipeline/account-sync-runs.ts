// Account syncs started through the admin API run in the background of the serving process, one
// at a time per CRM; a second start while one runs is told so instead of starting another. The
// registry belongs to one set of pipeline deps (a process can hold several in tests).
import { countMirrorAccounts, countMirrorPeople, listSyncCursors, type SyncCursor } from '../db/index.js';
import type { CrmName } from '../lead/index.js';
import { syncAccounts, type MirrorDeps } from './account-sync.js';

const running = new WeakMap<object, Map<CrmName, Promise<void>>>();

export interface SyncStart {
  crm: CrmName;
  started: boolean;
  /** A sync of this CRM was already running (this request started nothing). */
  alreadyRunning: boolean;
}

export function startAccountSync(deps: MirrorDeps, crm: CrmName, full: boolean): SyncStart {
  const runs = running.get(deps) ?? new Map<CrmName, Promise<void>>();
  running.set(deps, runs);
  if (runs.has(crm)) return { crm, started: false, alreadyRunning: true };
  const run = syncAccounts(deps, { crm, full })
    .then(() => undefined)
    .catch((err: Error) => deps.logger.warn({ crm, err: err.message }, 'account sync failed; start it again to resume'))
    .finally(() => runs.delete(crm));
  runs.set(crm, run);
  return { crm, started: true, alreadyRunning: false };
}

export interface AccountSyncStatus {
  accounts: Array<{ crm: string; live: number; deleted: number }>;
  people: Array<{ crm: string; kind: 'contact' | 'lead'; live: number }>;
  syncs: Array<
    Omit<SyncCursor, 'startedAt' | 'finishedAt' | 'updatedAt'> & {
      startedAt: string;
      finishedAt: string | null;
      updatedAt: string;
      runningHere: boolean;
    }
  >;
}

export async function accountSyncStatus(deps: MirrorDeps): Promise<AccountSyncStatus> {
  const runs = running.get(deps);
  const cursors = await listSyncCursors(deps.db);
  return {
    accounts: await countMirrorAccounts(deps.db),
    people: await countMirrorPeople(deps.db),
    syncs: cursors.map((c) => ({
      ...c,
      startedAt: c.startedAt.toISOString(),
      finishedAt: c.finishedAt?.toISOString() ?? null,
      updatedAt: c.updatedAt.toISOString(),
      runningHere: runs?.has(c.crm as CrmName) ?? false,
    })),
  };
}
