// `lead-router replay`: puts dead letters back to work from a terminal (docs/failures.md), with
// the same filters and idempotency as POST /v1/admin/failures/replay. It talks to the database
// only: replayed rows are due at once and the workers' sweeper enqueues them.
// Exit codes: 0 done, 1 failed, 2 wrong usage.
import { parseArgs } from 'node:util';
import type { Env } from './config/index.js';
import { replayFailures } from './pipeline/index.js';
import { openDatabase } from './runtime.js';

export const replayUsage = `usage: lead-router replay [options]

  --crm NAME           only this CRM (hubspot, salesforce, api)
  --code CODE          only this error code (docs/errors.md), e.g. CRM_REJECTED
  --kind route|writeback   only events that could not be routed, or only owner writes
  --since TIME         last attempt at or after this ISO 8601 time
  --until TIME         last attempt at or before this ISO 8601 time
  --id ID              only this row (repeatable; ids from GET /v1/admin/failures)
  --limit N            at most N rows, newest failure first (default 1000)
  --dry-run            print what would be replayed; change nothing
  --json               print the result as JSON`;

interface Io {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

class UsageError extends Error {}

function time(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) throw new UsageError(`${name} must be an ISO 8601 time, got "${value}"`);
  return d;
}

export async function replayCommand(argv: string[], env: Env, io: Io = consoleIo): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        crm: { type: 'string' },
        code: { type: 'string' },
        kind: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        id: { type: 'string', multiple: true },
        limit: { type: 'string', default: '1000' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      io.out(replayUsage);
      return 0;
    }
    if (values.kind !== undefined && values.kind !== 'route' && values.kind !== 'writeback') throw new UsageError('--kind is route or writeback');
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got "${values.limit}"`);
    if (values.id?.some((id) => !/^[0-9a-f-]{36}$/i.test(id))) throw new UsageError('--id takes a row id (uuid) from GET /v1/admin/failures');
    const since = time(values.since, '--since');
    const until = time(values.until, '--until');

    const handle = await openDatabase(env, 'replay');
    try {
      if (handle.kind === 'pglite') await handle.migrate();
      const result = await replayFailures(
        { db: handle.db, now: () => new Date() },
        {
          ...(values.crm && { crm: values.crm }),
          ...(values.code && { code: values.code }),
          ...(values.kind && { kind: values.kind as 'route' | 'writeback' }),
          ...(since && { since }),
          ...(until && { until }),
          ...(values.id && { ids: values.id }),
          dryRun: values['dry-run'],
          limit,
        },
      );
      if (values.json) io.out(JSON.stringify(result, null, 2));
      else {
        for (const r of result.replayed) io.out(`${result.dryRun ? 'would replay' : 'replayed'} ${r.kind} ${r.id}`);
        for (const s of result.skipped) io.out(`skipped ${s.kind ?? '-'} ${s.id}: ${s.reason}`);
        io.out(`${result.dryRun ? 'dry run: ' : ''}${result.replayed.length} ${result.dryRun ? 'would be replayed' : 'replayed'}, ${result.skipped.length} skipped`);
      }
      return 0;
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\n\n${replayUsage}`);
      return 2;
    }
    io.err(`replay failed: ${(err as Error).message}`);
    return 1;
  }
}
