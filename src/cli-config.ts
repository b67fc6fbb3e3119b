// `lead-router config ...`: the config lifecycle from a terminal (or CI), so a config can live
// in git: validate a file (no database needed), publish it, export, diff, roll back.
// Exit codes: 0 done, 1 invalid config or failed command, 2 wrong usage.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { formatChange, readConfigFile, readConfigSource, withLines, type Env } from './config/index.js';
import type { CrmConnector } from './connector.js';
import { isAppError, type FieldIssue } from './errors.js';
import type { Logger } from './logger.js';
import { configAdmin } from './pipeline/index.js';
import { crmConnectorsFromEnv, openDatabase } from './runtime.js';
import { adminTarget, remoteConfigAdmin, type AdminTarget } from './cli-config-remote.js';

export const configUsage = `usage: lead-router config <command>

  validate FILE                          check a YAML/JSON config (schema, references, CRM schema when a connector is configured)
  publish FILE -m MSG [--author NAME]    validate, store as a new version and make it active
  export [--version N] [--format yaml|json]   print a version (default: the active one)
  diff A B [--json]                      what changed from version A to version B
  rollback VERSION [-m MSG] [--author NAME]   make an existing version active again

  publish, rollback, export and diff go through a running service's admin API when there is one:
  --url URL (or LEAD_ROUTER_URL) names it, with an editor token in LEAD_ROUTER_ADMIN_TOKEN; on the
  embedded default a \`serve\` holding DATA_DIR is found by itself (its development token too).
  Otherwise they write the database (DATABASE_URL, or DATA_DIR) directly.`;

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

const consoleOutput: CliOutput = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

class UsageError extends Error {}

/** Connectors named in env, for the CRM schema check. */
function connectorsFrom(env: Env, logger: Logger): Partial<Record<'hubspot' | 'salesforce', CrmConnector>> {
  const { hubspot, salesforce } = crmConnectorsFromEnv(env, logger);
  return { ...(hubspot ? { hubspot } : {}), ...(salesforce ? { salesforce } : {}) };
}

function versionArg(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!value || !Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a version number (1, 2, ...), got "${value ?? ''}"`);
  return n;
}

/** `routing.rules[id=emea].action.pool (line 42): pool "emae" does not exist; did you mean "emea"?` */
function printIssues(io: CliOutput, issues: FieldIssue[], prefix = ''): void {
  for (const i of issues) io.err(`${prefix}${i.path}${i.line === undefined ? '' : ` (line ${i.line})`}: ${i.message}`);
}

async function withDatabase<T>(env: Env, logger: Logger, run: (deps: configAdmin.ConfigAdminDeps) => Promise<T>): Promise<T> {
  const handle = await openDatabase(env, 'config');
  try {
    if (handle.kind === 'pglite') await handle.migrate(); // the embedded default needs no setup step
    return await run({ db: handle.db, connectors: connectorsFrom(env, logger) });
  } finally {
    await handle.close();
  }
}

async function run(argv: string[], env: Env, logger: Logger, io: CliOutput): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') {
    io.out(configUsage);
    return 0;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      message: { type: 'string', short: 'm' },
      author: { type: 'string' },
      version: { type: 'string' },
      format: { type: 'string', default: 'yaml' },
      json: { type: 'boolean', default: false },
      url: { type: 'string' },
    },
  });
  const author = values.author ?? `cli:${userInfo().username}`;
  // validate needs no database and no service; the others go where the config lives now.
  const target: AdminTarget | undefined = command === 'validate' ? undefined : adminTarget(env, values.url);
  const remote = target && remoteConfigAdmin(target);
  const via = target ? ` (through ${target.url})` : '';

  switch (command) {
    case 'validate': {
      if (positionals.length !== 1) throw new UsageError('config validate takes one FILE');
      const source = await readConfigSource(positionals[0]!);
      const result = await configAdmin.validateConfig({ connectors: connectorsFrom(env, logger) }, source.document);
      if (!result.ok) {
        printIssues(io, withLines(result.errors, source));
        io.err(`${positionals[0]} is not valid: ${result.errors.length} error(s)`);
        return 1;
      }
      // Warnings go to stderr and never change the exit code: they do not block a publish either.
      printIssues(io, withLines(result.warnings, source), 'warning: ');
      io.out(`${positionals[0]} is valid${result.warnings.length ? ` (${result.warnings.length} warning(s))` : ''}`);
      return 0;
    }
    case 'publish': {
      if (positionals.length !== 1) throw new UsageError('config publish takes one FILE');
      if (!values.message?.trim()) throw new UsageError('config publish needs -m MESSAGE');
      const document = await readConfigFile(positionals[0]!);
      const input = { document, message: values.message.trim(), author };
      const v = remote ? await remote.publish(input) : await withDatabase(env, logger, (deps) => configAdmin.publishConfig(deps, input));
      printIssues(io, v.warnings ?? [], 'warning: ');
      io.out(`published version ${v.version} (${v.diff.changes.length} change(s) against ${v.diff.against === null ? 'nothing' : `version ${v.diff.against}`}); it is now active${via}`);
      return 0;
    }
    case 'export': {
      if (values.format !== 'yaml' && values.format !== 'json') throw new UsageError('--format is yaml or json');
      const version = values.version === undefined ? undefined : versionArg(values.version, '--version');
      const opts = { ...(version !== undefined && { version }), format: values.format as 'yaml' | 'json' };
      const { text } = remote ? await remote.exportConfig(opts) : await withDatabase(env, logger, (deps) => configAdmin.exportConfig(deps, opts));
      process.stdout.write(text);
      return 0;
    }
    case 'diff': {
      if (positionals.length !== 2) throw new UsageError('config diff takes two versions: A B');
      const [a, b] = [versionArg(positionals[0], 'A'), versionArg(positionals[1], 'B')];
      const d = remote ? await remote.diff(a, b) : await withDatabase(env, logger, (deps) => configAdmin.diffVersions(deps, a, b));
      if (values.json) io.out(JSON.stringify(d, null, 2));
      else if (d.changes.length === 0) io.out(`versions ${a} and ${b} are the same`);
      else for (const c of d.changes) io.out(formatChange(c));
      return 0;
    }
    case 'rollback': {
      if (positionals.length !== 1) throw new UsageError('config rollback takes one VERSION');
      const version = versionArg(positionals[0], 'VERSION');
      // Through the API the service logs who (the token's identity); the author flag names the CLI user here.
      const moved = remote
        ? await remote.rollback({ version, ...(values.message && { message: values.message }) })
        : await withDatabase(env, logger, (deps) => configAdmin.rollbackConfig(deps, { version, who: author, ...(values.message && { message: values.message }) }));
      // The pointer has no column for who moved it (yet): this line and the log are the record.
      logger.info({ version: moved.version, previousVersion: moved.previousVersion, by: author, message: values.message, via: target?.url }, 'config rolled back');
      io.out(moved.changed ? `version ${moved.version} is active again (was ${moved.previousVersion})${via}` : `version ${moved.version} was already active${via}`);
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown config command "${command}"` : 'name a config command');
  }
}

/** Runs one `config` command and returns its exit code; never throws for expected failures. */
export async function configCommand(argv: string[], env: Env, logger: Logger, io: CliOutput = consoleOutput): Promise<number> {
  try {
    return await run(argv, env, logger, io);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(err as Error).message}\n\n${configUsage}`);
      return 2;
    }
    if (isAppError(err)) {
      if (err.details?.errors?.length) printIssues(io, err.details.errors);
      io.err(err.code === 'CONFIG_INVALID' ? `not published: ${err.details?.errors?.length ?? 0} error(s)` : `${err.code}: ${err.message}`);
      return 1;
    }
    io.err((err as Error).message);
    return 1;
  }
}
