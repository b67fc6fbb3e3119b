// What every CLI command gets: where to print, and the environment and logger, made on first
// use so that `--help`, `--version` and usage errors need neither (nothing is read, opened or
// connected before a command's action runs).
import type { Command } from 'commander';
import { parseEnv, type Env } from './config/index.js';
import { createLogger, type Logger } from './logger.js';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: CliOutput = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

export interface CliContext {
  io: CliOutput;
  env(): Env;
  logger(): Logger;
  /** Set by a command's action: the process's exit code (exitCodes). */
  exitCode: number;
}

/** Documented in docs/cli.md and at the end of every `--help`. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

export const exitCodesHelp = `Exit codes:
  0  done (serve and worker: stopped cleanly on SIGTERM/SIGINT)
  1  failed: an invalid config, a refused request, the database or service unreachable,
     an invalid environment, a start-up failure or a shutdown past SHUTDOWN_TIMEOUT_MS
  2  usage error: unknown command or option, missing or bad argument

Docs: docs/cli.md`;

/** `env`: an already parsed environment (tests); else `source` (process.env) is parsed when a command first needs it. */
export function cliContext(opts: {
  env?: Env;
  source?: Record<string, string | undefined>;
  io: CliOutput;
}): CliContext {
  const { io } = opts;
  let env: Env | undefined;
  let logger: Logger | undefined;
  const ctx: CliContext = {
    io,
    exitCode: exitCodes.ok,
    env: () => (env ??= opts.env ?? parseEnv(opts.source ?? process.env)),
    logger: () => (logger ??= createLogger({ level: ctx.env().LOG_LEVEL })),
  };
  return ctx;
}

/** A usage error found by an action (a value commander cannot check): exit 2, with the command's help hint. */
export function usageError(cmd: Command, message: string): never {
  cmd.error(`error: ${message}`, { exitCode: exitCodes.usage, code: 'lead-router.usage' });
}
