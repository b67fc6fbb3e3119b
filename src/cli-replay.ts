// `lead-router replay`: puts dead letters back to work from a terminal (docs/failures.md), with
// the same filters and idempotency as POST /v1/admin/failures/replay. Like `config publish`, it
// goes through a running service's admin API when there is one (--url / LEAD_ROUTER_URL, or the
// embedded `serve` holding DATA_DIR, found in the folder's lock), so it is never blocked by the
// embedded database's one-process lock; otherwise it writes the database directly and the
// workers' sweeper enqueues the replayed rows, due at once.
// Exit codes (cli-context.ts): 0 done, 1 failed, 2 wrong usage.
import { Command, InvalidArgumentError, Option } from 'commander';
import { adminTarget, callAdmin } from './cli-config-remote.js';
import { exitCodes, type CliContext } from './cli-context.js';
import { isAppError } from './errors.js';
import { replayFailures, type ReplayResult } from './pipeline/index.js';
import { openDatabase } from './runtime.js';

interface ReplayOptions {
  crm?: string;
  code?: string;
  kind?: 'route' | 'writeback' | 'notify';
  since?: Date;
  until?: Date;
  id?: string[];
  limit: number;
  dryRun?: boolean;
  json?: boolean;
  url?: string;
}

const time = (value: string): Date => {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime()))
    throw new InvalidArgumentError(`must be an ISO 8601 time, got "${value}"`);
  return d;
};
const positive = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`must be a positive integer, got "${value}"`);
  return n;
};
const rowId = (value: string, previous: string[] = []): string[] => {
  if (!/^[0-9a-f-]{36}$/i.test(value))
    throw new InvalidArgumentError('takes a row id (uuid) from GET /v1/admin/failures');
  return [...previous, value];
};

export function replayCommand(ctx: CliContext): Command {
  return new Command('replay')
    .description('put dead letters back to work (docs/failures.md)')
    .option('--crm <name>', 'only this CRM (hubspot, salesforce, api)')
    .option('--code <code>', 'only this error code (docs/errors.md), e.g. CRM_REJECTED')
    .addOption(
      new Option(
        '--kind <kind>',
        'only events that could not be routed, only owner writes, or only notifications not sent',
      ).choices(['route', 'writeback', 'notify']),
    )
    .option('--since <time>', 'last attempt at or after this ISO 8601 time', time)
    .option('--until <time>', 'last attempt at or before this ISO 8601 time', time)
    .option('--id <id>', 'only this row (repeatable; ids from GET /v1/admin/failures)', rowId)
    .option('--limit <n>', 'at most N rows, newest failure first', positive, 1000)
    .option('--dry-run', 'print what would be replayed; change nothing')
    .option('--json', 'print the result as JSON')
    .option(
      '--url <url>',
      'the running service whose admin API replays (default: LEAD_ROUTER_URL, or the embedded serve holding DATA_DIR); token from LEAD_ROUTER_ADMIN_TOKEN',
    )
    .action(async (opts: ReplayOptions) => {
      try {
        const result = await replay(ctx, opts);
        print(ctx, result, opts.json === true);
      } catch (err) {
        ctx.io.err(`replay failed: ${isAppError(err) ? `${err.code}: ` : ''}${(err as Error).message}`);
        ctx.exitCode = exitCodes.failed;
      }
    });
}

async function replay(ctx: CliContext, opts: ReplayOptions): Promise<ReplayResult & { via?: string }> {
  const env = ctx.env();
  const filter = {
    ...(opts.crm && { crm: opts.crm }),
    ...(opts.code && { code: opts.code }),
    ...(opts.kind && { kind: opts.kind }),
    ...(opts.since && { since: opts.since }),
    ...(opts.until && { until: opts.until }),
    ...(opts.id && { ids: opts.id }),
    dryRun: opts.dryRun === true,
    limit: opts.limit,
  };
  const target = adminTarget(env, opts.url);
  if (target)
    return {
      ...((await (await callAdmin(target, 'POST', '/v1/admin/failures/replay', filter)).json()) as ReplayResult),
      via: target.url,
    };
  const handle = await openDatabase(env, 'replay');
  try {
    if (handle.kind === 'pglite') await handle.migrate();
    return await replayFailures({ db: handle.db, now: () => new Date() }, filter);
  } finally {
    await handle.close();
  }
}

function print(ctx: CliContext, { via, ...result }: ReplayResult & { via?: string }, json: boolean): void {
  const { io } = ctx;
  if (json) return io.out(JSON.stringify(result, null, 2));
  for (const r of result.replayed) io.out(`${result.dryRun ? 'would replay' : 'replayed'} ${r.kind} ${r.id}`);
  for (const s of result.skipped) io.out(`skipped ${s.kind ?? '-'} ${s.id}: ${s.reason}`);
  io.out(
    `${result.dryRun ? 'dry run: ' : ''}${result.replayed.length} ${result.dryRun ? 'would be replayed' : 'replayed'}, ${result.skipped.length} skipped${via ? ` (through ${via})` : ''}`,
  );
}
