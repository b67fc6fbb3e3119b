// `lead-router erase --email x`: erases one person's personal data (docs/operations.md "Erasure"),
// the same as POST /v1/admin/erasures. Like `replay`, it goes through a running service's admin API
// when there is one (--url / LEAD_ROUTER_URL, or the embedded `serve` holding DATA_DIR), otherwise it
// writes the database directly, audited as `cli`. It prints the email's hash, never the email.
// Exit codes (cli-context.ts): 0 done, 1 failed, 2 wrong usage.
import { Command, InvalidArgumentError } from 'commander';
import { adminTarget, callAdmin } from './cli-config-remote.js';
import { exitCodes, type CliContext } from './cli-context.js';
import { isAppError } from './errors.js';
import { eraseEmail, type ErasureResult } from './pipeline/index.js';
import { openDatabase } from './runtime.js';

interface EraseOptions {
  email: string;
  json?: boolean;
  url?: string;
}

const email = (value: string): string => {
  if (!/^[^\s@]+@[^\s@]+$/.test(value.trim())) throw new InvalidArgumentError('must be an email address');
  return value.trim();
};

export function eraseCommand(ctx: CliContext): Command {
  return new Command('erase')
    .description("erase one person's personal data everywhere it is kept; decisions stay countable (audited)")
    .requiredOption('--email <email>', "the person's email, as stored on their leads (case-insensitive)", email)
    .option('--json', 'print the result as JSON')
    .option(
      '--url <url>',
      'the running service whose admin API erases (default: LEAD_ROUTER_URL, or the embedded serve holding DATA_DIR); editor token from LEAD_ROUTER_ADMIN_TOKEN',
    )
    .action(async (opts: EraseOptions) => {
      try {
        const { via, ...result } = await erase(ctx, opts);
        if (opts.json) return ctx.io.out(JSON.stringify(result, null, 2));
        const rows = Object.entries(result.rows)
          .map(([table, n]) => `${table} ${n}`)
          .join(', ');
        ctx.io.out(
          `erasure ${result.id} (email sha256 ${result.emailSha256}): ${rows}${via ? ` (through ${via})` : ''}`,
        );
      } catch (err) {
        ctx.io.err(`erase failed: ${isAppError(err) ? `${err.code}: ` : ''}${(err as Error).message}`);
        ctx.exitCode = exitCodes.failed;
      }
    });
}

async function erase(ctx: CliContext, opts: EraseOptions): Promise<ErasureResult & { via?: string }> {
  const env = ctx.env();
  const target = adminTarget(env, opts.url);
  if (target)
    return {
      ...((await (
        await callAdmin(target, 'POST', '/v1/admin/erasures', { email: opts.email })
      ).json()) as ErasureResult),
      via: target.url,
    };
  const handle = await openDatabase(env, 'erase');
  try {
    if (handle.kind === 'pglite') await handle.migrate();
    return await eraseEmail({ db: handle.db, now: () => new Date() }, { email: opts.email, by: 'cli' });
  } finally {
    await handle.close();
  }
}
