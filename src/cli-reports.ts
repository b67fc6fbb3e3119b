// `lead-router reports backfill`: gives the leads routed before migration 0009_reports their
// lead_reports row (and their share of lead_report_days), so the reports count them too. Writes
// the database directly (DATABASE_URL, or the embedded DATA_DIR when no service holds it); safe to
// run again and beside a running service (src/db/report-backfill.ts). docs/reports.md.
// Exit codes (cli-context.ts): 0 done, 1 failed, 2 wrong usage.
import { Command } from 'commander';
import { exitCodes, type CliContext } from './cli-context.js';
import { backfillLeadReports } from './pipeline/index.js';
import { openDatabase } from './runtime.js';

export function reportsCommand(ctx: CliContext): Command {
  const reports = new Command('reports').description('the reports tables (docs/reports.md)');
  reports
    .command('backfill')
    .description('adds lead_reports rows for leads routed before reports existed (migration 0009); idempotent')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      try {
        const handle = await openDatabase(ctx.env(), 'reports backfill');
        try {
          if (handle.kind === 'pglite') await handle.migrate();
          const r = await backfillLeadReports({ db: handle.db, now: () => new Date() });
          if (opts.json) return ctx.io.out(JSON.stringify(r, null, 2));
          ctx.io.out(`lead_reports: ${r.added} rows added; ${r.leads} leads read (first decided before ${r.before})`);
        } finally {
          await handle.close();
        }
      } catch (err) {
        ctx.io.err(`reports backfill failed: ${(err as Error).message}`);
        ctx.exitCode = exitCodes.failed;
      }
    });
  return reports;
}
