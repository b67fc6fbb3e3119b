// `lead-router accounts sync`: the account mirror's initial load and catch-up from a terminal
// (docs/accounts.md). It writes the database directly (DATABASE_URL, or the embedded folder when
// no serve holds it); running services follow the mirror table into their indexes. Each page is
// stored with the cursor past it, so Ctrl-C (or a failure) stops after the page in hand and the
// next run resumes there. A progress bar on a terminal, a plain line per 20 pages otherwise.
// Exit codes (cli-context.ts): 0 done, 1 failed or interrupted, 2 wrong usage.
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { exitCodes, type CliContext } from './cli-context.js';
import type { CrmName } from './lead/index.js';
import { syncAccounts, type ObjectSyncResult, type SyncProgress } from './pipeline/index.js';
import { crmConnectorsFromEnv, openDatabase } from './runtime.js';
import { runRemoteSync, remoteSyncTarget } from './cli-accounts-remote.js';
import type { AdminTarget } from './cli-config-remote.js';
import { isAppError } from './errors.js';

interface SyncCliOptions {
  crm?: 'hubspot' | 'salesforce';
  full?: boolean;
  json?: boolean;
  url?: string;
  token?: string;
}

export function accountsCommand(ctx: CliContext): Command {
  const accounts = new Command('accounts').description('the CRM account mirror used for lead-to-account matching');
  accounts
    .command('sync')
    .description(
      'load the CRM accounts and their contacts into the mirror: the first run reads everything, later runs the changes since the last one; resumes an interrupted run',
    )
    .addOption(
      new Option('--crm <name>', 'only this CRM (default: every configured one)').choices(['hubspot', 'salesforce']),
    )
    .option('--full', 'read everything and mark accounts the CRM no longer has as deleted (reconcile)')
    .option('--json', 'print the result as JSON')
    .option(
      '--url <url>',
      'run the sync inside this running service (admin API) and follow it (default: LEAD_ROUTER_URL, or the embedded serve holding DATA_DIR; else the database directly)',
    )
    .option('--token <token>', 'admin token for --url (an editor; default LEAD_ROUTER_ADMIN_TOKEN)')
    .action(async (opts: SyncCliOptions) => {
      ctx.exitCode = await runSync(ctx, opts);
    });
  return accounts;
}

async function runSync(ctx: CliContext, opts: SyncCliOptions): Promise<number> {
  const env = ctx.env();
  const target = remoteSyncTarget(env, opts);
  if (target) return syncThroughService(ctx, target, opts);
  const logger = ctx.logger();
  const connectors = await crmConnectorsFromEnv(env, logger);
  const crms = (['hubspot', 'salesforce'] as const).filter((c) => connectors[c] && (!opts.crm || opts.crm === c));
  if (crms.length === 0) {
    ctx.io.err(
      opts.crm
        ? `${opts.crm} is not configured (${opts.crm === 'hubspot' ? 'HUBSPOT_CONFIG' : 'SALESFORCE_CONFIG'})`
        : 'no CRM is configured (HUBSPOT_CONFIG, SALESFORCE_CONFIG)',
    );
    return exitCodes.failed;
  }
  const handle = await openDatabase(env, 'accounts sync');
  const abort = new AbortController();
  const onSignal = () => {
    ctx.io.err('stopping after the page in hand; run again to resume');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results: Array<{ crm: CrmName; objects: ObjectSyncResult[] }> = [];
  try {
    if (handle.kind === 'pglite') await handle.migrate();
    for (const crm of crms) {
      const progress = progressReporter(ctx, crm);
      try {
        const objects = await syncAccounts(
          { db: handle.db, connectors: { [crm]: connectors[crm] }, logger, now: () => new Date() },
          { crm, full: opts.full === true, signal: abort.signal, onProgress: progress.update },
        );
        results.push({ crm, objects });
      } finally {
        progress.stop();
      }
    }
  } catch (err) {
    ctx.io.err(`accounts sync failed: ${(err as Error).message}`);
    ctx.io.err('the mirror keeps every page stored so far; run again to resume from there');
    return exitCodes.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await handle.close();
  }
  if (opts.json) ctx.io.out(JSON.stringify(results));
  else
    for (const r of results)
      for (const o of r.objects)
        ctx.io.out(
          `${r.crm} ${o.object}: ${o.loaded} stored (${o.mode}${o.resumed ? ', resumed' : ''}), ${o.deleted} deleted, ${o.calls} CRM calls${o.unavailable ? `; not available: ${o.unavailable}` : ''}`,
        );
  return exitCodes.ok;
}

async function syncThroughService(ctx: CliContext, target: AdminTarget, opts: SyncCliOptions): Promise<number> {
  const abort = new AbortController();
  const onSignal = () => {
    ctx.io.err('stopping; the sync goes on in the service');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  const reporters: Array<ReturnType<typeof progressReporter>> = [];
  let results;
  try {
    results = await runRemoteSync(
      ctx,
      target,
      { ...(opts.crm && { crm: opts.crm }), full: opts.full === true, signal: abort.signal },
      (crm) => {
        const r = progressReporter(ctx, crm);
        reporters.push(r);
        return r.update;
      },
    );
  } catch (err) {
    ctx.io.err(`accounts sync failed: ${isAppError(err) ? `${err.code}: ` : ''}${(err as Error).message}`);
    return exitCodes.failed;
  } finally {
    for (const r of reporters) r.stop();
    process.off('SIGINT', onSignal);
  }
  if (opts.json) ctx.io.out(JSON.stringify(results.map((r) => ({ ...r, via: target.url }))));
  else
    for (const r of results)
      for (const o of r.objects)
        ctx.io.out(
          `${r.crm} ${o.object}: ${o.loaded} stored (${o.mode}), ${o.calls} CRM calls, ${o.status}${o.status === 'done' && o.lastError ? `; not available: ${o.lastError}` : ''} (via ${target.url})`,
        );
  const failed = results.flatMap((r) =>
    r.objects.filter((o) => o.status === 'failed').map((o) => ({ ...o, crm: r.crm })),
  );
  for (const f of failed) ctx.io.err(`${f.crm} ${f.object} failed: ${f.lastError ?? 'no reason given'}`);
  return failed.length > 0 ? exitCodes.failed : exitCodes.ok;
}

/** A bar on a terminal (stderr), else a line every 20 pages and at the end of each object. */
function progressReporter(ctx: CliContext, crm: CrmName) {
  const tty = process.stderr.isTTY === true;
  let bar: SingleBar | undefined;
  let pages = 0;
  let object: string | undefined;
  return {
    update(p: SyncProgress) {
      if (tty) {
        if (object !== p.object) {
          bar?.stop();
          object = p.object;
          bar = new SingleBar({
            format: `${crm} ${p.object} (${p.mode}) {value} stored, {calls} calls, {duration}s`,
            stream: process.stderr,
            hideCursor: true,
          });
          bar.start(0, p.loaded, { calls: p.calls });
        }
        // The CRM does not say how many there are: the bar counts up.
        bar!.setTotal(p.loaded);
        bar!.update(p.loaded, { calls: p.calls });
        return;
      }
      pages++;
      if (p.done || pages % 20 === 0)
        ctx.io.err(`${crm} ${p.object} (${p.mode}): ${p.loaded} stored, ${p.calls} calls${p.done ? ', done' : ''}`);
    },
    stop() {
      bar?.stop();
    },
  };
}
