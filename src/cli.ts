// `lead-router`: the command line (docs/cli.md), on commander. Every command and subcommand
// answers --help, and --help (or --version, or a usage error) does nothing else: the
// environment is parsed, and the database or service reached, only inside a command's action.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import type { Env } from './config/index.js';
import { accountsCommand } from './cli-accounts.js';
import { configCommand } from './cli-config.js';
import { cliContext, consoleOutput, exitCodes, exitCodesHelp, type CliContext, type CliOutput } from './cli-context.js';
import { eraseCommand } from './cli-erase.js';
import { replayCommand } from './cli-replay.js';
import { reportsCommand } from './cli-reports.js';
import { importCommand, rerouteCommand } from './cli-bulk.js';
import { repsCommand } from './cli-reps.js';
import { migrate, serve, worker } from './cli-serve.js';

/** package.json's version: two folders up from dist/src/cli.js, one from src/cli.ts. */
function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'lead-router' && pkg.version) return pkg.version;
    } catch {
      // not this folder
    }
  }
  return 'unknown';
}

function program(ctx: CliContext): Command {
  const root = new Command('lead-router')
    .description('Routes every new CRM lead to the right rep and writes the owner back.')
    .version(packageVersion(), '-V, --version', 'print the version')
    // `config export --version 3` is the subcommand's option, not the program's --version.
    .enablePositionalOptions();
  root
    .command('serve')
    .description('HTTP intake, admin and health; also runs jobs in-process when REDIS_URL is unset')
    .action(async () => serve(ctx.env(), ctx.logger()));
  root
    .command('worker')
    .description('runs route and write-back jobs from Redis (REDIS_URL required); scale by running more')
    .action(async () => worker(ctx.env(), ctx.logger()));
  root
    .command('migrate')
    .description('applies database migrations and publishes CONFIG_FILE if no config is active')
    .action(async () => migrate(ctx.env(), ctx.logger()));
  root.addCommand(configCommand(ctx));
  root.addCommand(replayCommand(ctx));
  root.addCommand(rerouteCommand(ctx));
  root.addCommand(importCommand(ctx));
  root.addCommand(accountsCommand(ctx));
  root.addCommand(repsCommand(ctx));
  root.addCommand(eraseCommand(ctx));
  root.addCommand(reportsCommand(ctx));
  configure(root, ctx.io);
  return root;
}

/** Settings every command and subcommand shares: our output, no process.exit, the exit codes in its help. */
function configure(cmd: Command, io: CliOutput): void {
  cmd
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `\n${exitCodesHelp}`);
  for (const sub of cmd.commands) configure(sub, io);
}

/**
 * Runs one command line and returns its exit code (exitCodes). `serve` and `worker` return 0
 * once listening and keep the process alive; their shutdown ends it.
 */
export async function runCli(
  argv: string[],
  opts: { env?: Env; source?: Record<string, string | undefined>; io?: CliOutput } = {},
): Promise<number> {
  const io = opts.io ?? consoleOutput;
  const ctx = cliContext({ ...opts, io });
  const cli = program(ctx);
  if (argv.length === 0) {
    cli.outputHelp();
    return exitCodes.ok;
  }
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help, `help <command>` and --version have been printed (commander's exit code 0);
      // anything else commander refused (its exit code 1) is a usage error.
      return err.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    io.err((err as Error).message);
    return exitCodes.failed;
  }
}

export async function main(argv: string[], source: Record<string, string | undefined> = process.env): Promise<void> {
  const code = await runCli(argv, { source });
  // A failed start may leave handles open (a pool, a lock): the exit code is the answer now.
  if (code !== exitCodes.ok) process.exit(code);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).catch((err: Error) => {
    console.error(err.message);
    process.exit(exitCodes.failed);
  });
}
