// `lead-router accounts sync --url <service>`: the sync runs inside the running service (POST
// /v1/admin/accounts/sync, editor token), and this command follows it (GET, viewer) until it ends,
// showing the same progress as a local run. Ctrl-C stops following; the service's sync goes on
// (and can be followed again by running the command again: a second start is "already running").
import { adminTarget, callAdmin, type AdminTarget } from './cli-config-remote.js';
import type { CliContext } from './cli-context.js';
import type { Env } from './config/index.js';
import { isAppError } from './errors.js';
import type { CrmName } from './lead/index.js';
import type { SyncProgress } from './pipeline/index.js';

interface SyncRow {
  crm: string;
  object: 'accounts' | 'contacts' | 'team' | 'leads';
  mode: 'full' | 'incremental';
  status: 'running' | 'done' | 'failed';
  loaded: number;
  calls: number;
  lastError: string | null;
  runningHere: boolean;
}

export interface RemoteSyncResult {
  crm: CrmName;
  objects: SyncRow[];
}

/** The service to sync through: --url (with --token) or LEAD_ROUTER_URL / the embedded serve; undefined = sync locally. */
export function remoteSyncTarget(env: Env, opts: { url?: string; token?: string }): AdminTarget | undefined {
  const target = adminTarget(env, opts.url);
  return target && opts.token ? { ...target, token: opts.token } : target;
}

export async function runRemoteSync(
  ctx: CliContext,
  target: AdminTarget,
  opts: { crm?: CrmName; full: boolean; signal: AbortSignal; pollMs?: number },
  onProgress: (crm: CrmName) => (p: SyncProgress) => void,
): Promise<RemoteSyncResult[]> {
  const crms: CrmName[] = opts.crm ? [opts.crm] : ['hubspot', 'salesforce'];
  const out: RemoteSyncResult[] = [];
  for (const crm of crms) {
    try {
      await callAdmin(target, 'POST', '/v1/admin/accounts/sync', { crm, full: opts.full });
    } catch (err) {
      // Every configured CRM unless --crm: one the service has not configured is skipped.
      if (!opts.crm && isAppError(err) && err.code === 'CONNECTOR_NOT_CONFIGURED') continue;
      throw err;
    }
    out.push({ crm, objects: await follow(target, crm, opts, onProgress(crm)) });
  }
  if (out.length === 0) throw new Error(`no CRM is configured in the service at ${target.url}`);
  return out;
}

async function follow(
  target: AdminTarget,
  crm: CrmName,
  opts: { signal: AbortSignal; pollMs?: number },
  progress: (p: SyncProgress) => void,
): Promise<SyncRow[]> {
  const seen = new Map<string, string>();
  for (;;) {
    const status = (await (await callAdmin(target, 'GET', '/v1/admin/accounts/sync')).json()) as { syncs: SyncRow[] };
    const rows = status.syncs.filter((s) => s.crm === crm);
    const running = rows.length === 0 || rows.some((r) => r.runningHere || r.status === 'running');
    for (const r of rows) {
      const key = `${r.status}:${r.loaded}:${r.calls}`;
      if (seen.get(r.object) === key) continue;
      seen.set(r.object, key);
      progress({ crm, object: r.object, mode: r.mode, loaded: r.loaded, calls: r.calls, done: r.status !== 'running' });
    }
    if (!running) return rows;
    if (opts.signal.aborted) throw new Error(`stopped following; the sync goes on in the service at ${target.url}`);
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 1_000));
  }
}
