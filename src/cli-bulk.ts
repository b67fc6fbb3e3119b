// `lead-router reroute` and `lead-router import` (docs/bulk.md, docs/cli.md). Like `migrate`,
// `serve` and `worker`, they run here against the database (DATABASE_URL, or the embedded data
// folder while no `serve` holds it) and hand owner writes and new leads to the workers through
// Redis. The job they make is a row every service's admin API shows and cancels
// (GET /v1/admin/bulk-jobs, POST /v1/admin/bulk-jobs/:id/cancel); this process sees a cancel
// at its next chunk. Killed, a reroute resumes with `--resume <job id>`; an import by running
// the same file again (rows already stored are skipped).
// Exit codes (cli-context.ts): 0 done, 1 failed or cancelled, 2 wrong usage.
import { Command, InvalidArgumentError } from 'commander';
import { formatPlan } from './bulk/index.js';
import { exitCodes, type CliContext } from './cli-context.js';
import { progressFor } from './cli-progress.js';
import type { BulkJobRow } from './db/index.js';
import { isAppError } from './errors.js';
import { heapBound } from './heap-bound.js';
import { planReroute, runImport, runReroute, startReroute, type RerouteRequest } from './pipeline/index.js';
import { openRuntime, type Runtime } from './runtime.js';

const positive = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError(`must be a positive integer, got "${value}"`);
  return n;
};
const jobId = (value: string): string => {
  if (!/^[0-9a-f-]{36}$/i.test(value))
    throw new InvalidArgumentError('takes a job id (uuid) from GET /v1/admin/bulk-jobs');
  return value;
};

/** Who made the job, as the admin API shows it. */
const cliActor = () => `cli:${process.env.USER ?? 'unknown'}`;

async function withRuntime<T>(ctx: CliContext, command: string, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime(ctx.env(), { logger: ctx.logger(), command });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

function failed(ctx: CliContext, what: string, err: unknown): void {
  ctx.io.err(`${what} failed: ${isAppError(err) ? `${err.code}: ` : ''}${(err as Error).message}`);
  ctx.exitCode = exitCodes.failed;
}

const counts = (job: BulkJobRow) => job.counts as Record<string, number>;

function finalLine(ctx: CliContext, job: BulkJobRow): void {
  const c = counts(job);
  const order =
    job.kind === 'reroute'
      ? ['total', 'moved', 'kept', 'unplaced', 'skipped']
      : ['rows', 'imported', 'duplicates', 'refused'];
  const detail = order.map((k) => `${k} ${c[k] ?? 0}`).join(', ');
  ctx.io.out(`${job.kind} ${job.id} ${job.status}: ${detail}`);
  if (job.status !== 'done') ctx.exitCode = exitCodes.failed;
}

interface RerouteOptions {
  where?: string;
  fromRep?: string;
  config: string;
  dryRun?: boolean;
  onlyUnworked?: boolean;
  resume?: string;
  chunk?: number;
  json?: boolean;
}

export function rerouteCommand(ctx: CliContext): Command {
  return new Command('reroute')
    .description('decide a slice of leads again with the same rules, locks and owner write-back (docs/bulk.md)')
    .option('--where <filter>', "which leads, e.g. 'owner=ana and age>7d' (fields: owner, pool, rule, crm, age)")
    .option('--from-rep <rep>', 'a rep who leaves: redistribute their open leads (they are taken out of every pool)')
    .option('--config <ref>', 'decide with: active, draft (the draft edited last) or draft:<id>', 'active')
    .option('--only-unworked', 'only leads nobody claimed yet')
    .option('--dry-run', 'print the plan (who -> whom, counts per rep); write nothing')
    .option('--resume <job>', 'carry on a reroute job that was interrupted (its pending leads only)', jobId)
    .option('--chunk <n>', 'leads per transaction', positive)
    .option('--json', 'print the plan or the finished job as JSON')
    .action(async (opts: RerouteOptions, cmd: Command) => {
      if (!opts.resume && opts.where === undefined && opts.fromRep === undefined)
        cmd.error("error: say which leads: --where '<filter>', --from-rep <rep>, or --resume <job>", {
          exitCode: exitCodes.usage,
        });
      try {
        await withRuntime(ctx, 'reroute', (rt) => reroute(ctx, rt, opts));
      } catch (err) {
        failed(ctx, 'reroute', err);
      }
    });
}

async function reroute(ctx: CliContext, rt: Runtime, opts: RerouteOptions): Promise<void> {
  const { io } = ctx;
  const req: RerouteRequest = {
    where: opts.where,
    fromRep: opts.fromRep,
    config: opts.config,
    onlyUnworked: opts.onlyUnworked === true,
  };
  let id = opts.resume;
  if (!id) {
    const plan = await planReroute(rt.deps, req);
    if (opts.json && opts.dryRun) return io.out(JSON.stringify(plan, null, 2));
    io.out(
      `reroute ${plan.where || '(every open lead)'}${plan.onlyUnworked ? ' (unworked only)' : ''} with ${plan.config}`,
    );
    for (const l of formatPlan(plan.summary)) io.out(l);
    if (opts.dryRun) return io.out('dry run: nothing was written');
    const started = await startReroute(rt.deps, req, cliActor());
    id = started.job.id;
    io.out(`job ${id}: ${started.total} leads (resume with --resume ${id} if interrupted)`);
  }
  const bar = progressFor(io, `reroute ${id.slice(0, 8)}`);
  const show = (job: BulkJobRow) => {
    const c = counts(job);
    const done = (c.moved ?? 0) + (c.kept ?? 0) + (c.unplaced ?? 0) + (c.skipped ?? 0);
    bar.update(done, c.total ?? 0, `moved ${c.moved ?? 0}`);
  };
  let job: BulkJobRow;
  try {
    job = await runReroute(rt.deps, id, { ...(opts.chunk && { chunkSize: opts.chunk }), onProgress: show });
  } finally {
    bar.stop();
  }
  if (opts.json) io.out(JSON.stringify(job, null, 2));
  else finalLine(ctx, job);
  if (job.status !== 'done') ctx.exitCode = exitCodes.failed;
}

interface ImportOptions {
  source: string;
  objectType?: string;
  idColumn?: string;
  json?: boolean;
}

export function importCommand(ctx: CliContext): Command {
  return new Command('import')
    .description('load leads from a CSV through the api mapping and intake; prints each refused row (docs/bulk.md)')
    .argument('<file>', 'CSV with a header line')
    .requiredOption('--source <name>', 'names the import (events are stored as import:<name>)')
    .option('--object-type <type>', 'map the columns with the api/<type> mapping', 'lead')
    .option('--id-column <column>', "the column with each row's own id (else a digest of the row)", 'externalId')
    .option('--json', 'print the finished job as JSON')
    .action(async (file: string, opts: ImportOptions) => {
      try {
        await withRuntime(ctx, 'import', async (rt) => {
          const bar = progressFor(ctx.io, `import ${opts.source}`);
          // A batch at a time: memory stays flat whatever the file's size (src/heap-bound.ts).
          const bound = heapBound(48);
          let job: BulkJobRow;
          try {
            job = await runImport(
              rt.deps,
              { file, source: opts.source, objectType: opts.objectType, idColumn: opts.idColumn },
              cliActor(),
              {
                onRefused: (r) => ctx.io.out(`line ${r.line}: refused: ${r.reason}`),
                onProgress: ({ job: j, bytesRead, fileBytes }) => {
                  bound();
                  const c = counts(j);
                  bar.update(bytesRead, fileBytes, `rows ${c.rows}, imported ${c.imported}, refused ${c.refused}`);
                },
              },
            );
          } finally {
            bar.stop();
          }
          if (opts.json) ctx.io.out(JSON.stringify(job, null, 2));
          else finalLine(ctx, job);
        });
      } catch (err) {
        failed(ctx, 'import', err);
      }
    });
}
