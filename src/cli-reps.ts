// `lead-router reps import`: the CRMs' users proposed as reps (one person per email across CRMs),
// saved as a config draft to review and publish; a config rep whose CRM user is deactivated is
// marked away in the availability overlay at once (docs/accounts.md "Reps from the CRM").
// Writes the database directly, like `accounts sync`. Exit codes: 0 done, 1 failed, 2 usage.
import { Command } from 'commander';
import { exitCodes, type CliContext } from './cli-context.js';
import { importReps, ownerListsOf } from './pipeline/index.js';
import { crmConnectorsFromEnv, openDatabase } from './runtime.js';

export function repsCommand(ctx: CliContext): Command {
  const reps = new Command('reps').description('reps from the CRMs');
  reps
    .command('import')
    .description(
      "propose the CRMs' users as reps (matched by email across CRMs) in a new config draft; mark reps whose CRM user is deactivated away",
    )
    .option('--author <name>', 'the draft author and availability actor', 'reps-import')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { author: string; json?: boolean }) => {
      const env = ctx.env();
      const connectors = await crmConnectorsFromEnv(env, ctx.logger());
      const listOwners = ownerListsOf(connectors);
      if (Object.keys(listOwners).length === 0) {
        ctx.io.err('no CRM is configured (HUBSPOT_CONFIG, SALESFORCE_CONFIG)');
        ctx.exitCode = exitCodes.failed;
        return;
      }
      const handle = await openDatabase(env, 'reps import');
      try {
        if (handle.kind === 'pglite') await handle.migrate();
        const result = await importReps({ db: handle.db, now: () => new Date() }, { author: opts.author, listOwners });
        if (opts.json) ctx.io.out(JSON.stringify(result));
        else {
          for (const p of result.proposals)
            ctx.io.out(
              `${p.existing ? 'update' : 'new   '} ${p.id} <${p.email}> ${Object.entries(p.crmIds)
                .map(([crm, id]) => `${crm}:${id}`)
                .join(' ')}${p.active ? '' : ' (deactivated)'}`,
            );
          ctx.io.out(`draft ${result.draftId}: review and publish it (docs/config.md)`);
          if (result.markedAway.length) ctx.io.out(`marked away: ${result.markedAway.join(', ')}`);
        }
      } catch (err) {
        ctx.io.err(`reps import failed: ${(err as Error).message}`);
        ctx.exitCode = exitCodes.failed;
      } finally {
        await handle.close();
      }
    });
  return reps;
}
