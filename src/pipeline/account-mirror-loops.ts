// The account mirror's background loops (docs/accounts.md):
// - every process with an index follows the mirror (account-follow.ts) every changesIntervalMs;
// - one process of the fleet (the leader) drains webhook-named account changes, runs an
//   incremental sync per CRM every syncIntervalMs (Salesforce: polling by SystemModstamp, with the
//   recycle bin for deletions) once an initial load completed, and a full sync with reconcile
//   every reconcileIntervalMs. A failed step is logged and tried again on the next tick.
import type { AccountIndex } from '../accounts/types.js';
import { getSyncCursor, type Db } from '../db/index.js';
import type { CrmName } from '../lead/index.js';
import { drainAccountChanges } from './account-changes.js';
import { followerOf } from './account-follow.js';
import { syncAccounts, type MirrorDeps } from './account-sync.js';

export interface MirrorLoopOptions {
  changesIntervalMs: number;
  /** 0 = no periodic incremental sync. */
  syncIntervalMs: number;
  /** 0 = no periodic full reconcile. */
  reconcileIntervalMs: number;
}

/** Runs `tick` every `ms`, never two at once (a slow tick skips the next). */
export function every(ms: number, tick: () => Promise<void>): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void tick().finally(() => (running = false));
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** Follows the mirror into `index` (from where loadAccountIndex filled it) every intervalMs. */
export function startFollowingMirror(
  deps: Pick<MirrorDeps, 'logger'> & { db: Db },
  index: AccountIndex,
  intervalMs: number,
) {
  return every(intervalMs, async () => {
    try {
      await (
        await followerOf(deps.db, index)
      )();
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, 'account index could not follow the mirror; will try again');
    }
  });
}

/** The leader's loops; resolves with how to stop them. */
export function startMirrorUpkeep(deps: MirrorDeps, opts: MirrorLoopOptions): () => Promise<void> {
  const crms = (Object.keys(deps.connectors) as CrmName[]).filter((c) => deps.connectors[c]?.accounts);
  const stops = [
    every(opts.changesIntervalMs, async () => {
      try {
        await drainAccountChanges(deps);
      } catch (err) {
        deps.logger.warn({ err: (err as Error).message }, 'account changes not drained; will try again');
      }
    }),
  ];
  const syncing = (full: boolean) => async () => {
    for (const crm of crms) {
      try {
        // Only after an initial load completed: a first million-account load is started on purpose (CLI, admin API).
        if (!(await getSyncCursor(deps.db, crm, 'accounts'))?.watermark) continue;
        await syncAccounts(deps, { crm, full });
      } catch (err) {
        deps.logger.warn({ crm, full, err: (err as Error).message }, 'account sync failed; will try again');
      }
    }
  };
  if (opts.syncIntervalMs > 0) stops.push(every(opts.syncIntervalMs, syncing(false)));
  if (opts.reconcileIntervalMs > 0) stops.push(every(opts.reconcileIntervalMs, syncing(true)));
  return async () => {
    for (const stop of stops) stop();
  };
}
