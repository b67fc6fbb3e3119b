// `lead-router config ...`: the config lifecycle from a terminal (or CI), so a config can live
// in git: validate a file (no database needed), publish it, export, diff, roll back.
// Exit codes (cli-context.ts): 0 done, 1 invalid config or failed command, 2 wrong usage.
import { userInfo } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatChange, readConfigFile, readConfigSource, withLines, type Env } from './config/index.js';
import type { CrmConnector } from './connector.js';
import { isAppError, type FieldIssue } from './errors.js';
import type { Logger } from './logger.js';
import { configAdmin } from './pipeline/index.js';
import { crmConnectorsFromEnv, openDatabase } from './runtime.js';
import { adminTarget, remoteConfigAdmin, type AdminTarget } from './cli-config-remote.js';
import { exitCodes, usageError, type CliContext, type CliOutput } from './cli-context.js';

const remoteHelp = `
publish, rollback, export and diff go through a running service's admin API when there is one:
--url URL (or LEAD_ROUTER_URL) names it, with an editor token in LEAD_ROUTER_ADMIN_TOKEN; on the
embedded default a \`serve\` holding DATA_DIR is found by itself (its development token too).
Otherwise they write the database (DATABASE_URL, or DATA_DIR) directly.`;

/** Connectors named in env, for the CRM schema check. */
async function connectorsFrom(
  env: Env,
  logger: Logger,
): Promise<Partial<Record<'hubspot' | 'salesforce', CrmConnector>>> {
  const { hubspot, salesforce } = await crmConnectorsFromEnv(env, logger);
  return { ...(hubspot ? { hubspot } : {}), ...(salesforce ? { salesforce } : {}) };
}

/** A commander argument parser: a version number, or a usage error naming the argument. */
const versionNumber =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`${name} must be a version number (1, 2, ...), got "${value}"`);
    return n;
  };

/** `routing.rules[id=emea].action.pool (line 42): pool "emae" does not exist; did you mean "emea"?` */
function printIssues(io: CliOutput, issues: FieldIssue[], prefix = ''): void {
  for (const i of issues) io.err(`${prefix}${i.path}${i.line === undefined ? '' : ` (line ${i.line})`}: ${i.message}`);
}

async function withDatabase<T>(
  env: Env,
  logger: Logger,
  run: (deps: configAdmin.ConfigAdminDeps) => Promise<T>,
): Promise<T> {
  const handle = await openDatabase(env, 'config');
  try {
    if (handle.kind === 'pglite') await handle.migrate(); // the embedded default needs no setup step
    return await run({ db: handle.db, connectors: await connectorsFrom(env, logger) });
  } finally {
    await handle.close();
  }
}

/** Runs an action; an expected failure (an AppError from the service or the database) prints and exits 1. */
function action<A extends unknown[]>(
  ctx: CliContext,
  run: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await run(...args);
    } catch (err) {
      if (!isAppError(err)) throw err; // the top level prints it and exits 1
      if (err.details?.errors?.length) printIssues(ctx.io, err.details.errors);
      ctx.io.err(
        err.code === 'CONFIG_INVALID'
          ? `not published: ${err.details?.errors?.length ?? 0} error(s)`
          : `${err.code}: ${err.message}`,
      );
      ctx.exitCode = exitCodes.failed;
    }
  };
}

const urlOption = () =>
  new Option(
    '--url <url>',
    'the running service whose admin API takes the command (default: LEAD_ROUTER_URL, or the embedded serve holding DATA_DIR)',
  );
const authorOption = () => new Option('--author <name>', 'who made the change (default: cli:<your user name>)');

function target(ctx: CliContext, url: string | undefined): { target: AdminTarget | undefined; via: string } {
  const t = adminTarget(ctx.env(), url);
  return { target: t, via: t ? ` (through ${t.url})` : '' };
}

export function configCommand(ctx: CliContext): Command {
  const config = new Command('config')
    .description('validate | publish | export | diff | rollback the routing and mapping config')
    .addHelpText('after', remoteHelp);
  const { io } = ctx;

  config
    .command('validate')
    .description(
      'check a YAML/JSON config: schema, references, and the CRM schema when a connector is configured (no database needed)',
    )
    .argument('<file>', 'the config file')
    .action(
      action(ctx, async (file: string) => {
        const env = ctx.env();
        const source = await readConfigSource(file);
        const result = await configAdmin.validateConfig(
          { connectors: await connectorsFrom(env, ctx.logger()) },
          source.document,
        );
        if (!result.ok) {
          printIssues(io, withLines(result.errors, source));
          io.err(`${file} is not valid: ${result.errors.length} error(s)`);
          ctx.exitCode = exitCodes.failed;
          return;
        }
        // Warnings go to stderr and never change the exit code: they do not block a publish either.
        printIssues(io, withLines(result.warnings, source), 'warning: ');
        io.out(`${file} is valid${result.warnings.length ? ` (${result.warnings.length} warning(s))` : ''}`);
      }),
    );

  config
    .command('publish')
    .description('validate, store as a new version and make it active')
    .argument('<file>', 'the config file')
    .requiredOption('-m, --message <message>', 'what changed and why (kept with the version)')
    .addOption(authorOption())
    .addOption(urlOption())
    .action(
      action(ctx, async (file: string, opts: { message: string; author?: string; url?: string }, cmd: Command) => {
        if (!opts.message.trim()) usageError(cmd, 'config publish needs -m MESSAGE');
        const env = ctx.env();
        const { target: t, via } = target(ctx, opts.url);
        const document = await readConfigFile(file);
        const input = { document, message: opts.message.trim(), author: opts.author ?? `cli:${userInfo().username}` };
        const v = t
          ? await remoteConfigAdmin(t).publish(input)
          : await withDatabase(env, ctx.logger(), (deps) => configAdmin.publishConfig(deps, input));
        printIssues(io, v.warnings ?? [], 'warning: ');
        io.out(
          `published version ${v.version} (${v.diff.changes.length} change(s) against ${v.diff.against === null ? 'nothing' : `version ${v.diff.against}`}); it is now active${via}`,
        );
      }),
    );

  config
    .command('export')
    .description('print a version (default: the active one)')
    .option('--version <n>', 'the version to print', versionNumber('--version'))
    .addOption(new Option('--format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addOption(urlOption())
    .action(
      action(ctx, async (opts: { version?: number; format: 'yaml' | 'json'; url?: string }) => {
        const { target: t } = target(ctx, opts.url);
        const q = { ...(opts.version !== undefined && { version: opts.version }), format: opts.format };
        const { text } = t
          ? await remoteConfigAdmin(t).exportConfig(q)
          : await withDatabase(ctx.env(), ctx.logger(), (deps) => configAdmin.exportConfig(deps, q));
        process.stdout.write(text);
      }),
    );

  config
    .command('diff')
    .description('what changed from version A to version B')
    .argument('<a>', 'the older version', versionNumber('A'))
    .argument('<b>', 'the newer version', versionNumber('B'))
    .option('--json', 'print the changes as JSON')
    .addOption(urlOption())
    .action(
      action(ctx, async (a: number, b: number, opts: { json?: boolean; url?: string }) => {
        const { target: t } = target(ctx, opts.url);
        const d = t
          ? await remoteConfigAdmin(t).diff(a, b)
          : await withDatabase(ctx.env(), ctx.logger(), (deps) => configAdmin.diffVersions(deps, a, b));
        if (opts.json) io.out(JSON.stringify(d, null, 2));
        else if (d.changes.length === 0) io.out(`versions ${a} and ${b} are the same`);
        else for (const c of d.changes) io.out(formatChange(c));
      }),
    );

  config
    .command('rollback')
    .description('make an existing version active again')
    .argument('<version>', 'the version to make active', versionNumber('VERSION'))
    .option('-m, --message <message>', 'why (logged)')
    .addOption(authorOption())
    .addOption(urlOption())
    .action(
      action(ctx, async (version: number, opts: { message?: string; author?: string; url?: string }) => {
        const { target: t, via } = target(ctx, opts.url);
        const author = opts.author ?? `cli:${userInfo().username}`;
        // Through the API the service logs who (the token's identity); the author flag names the CLI user here.
        const moved = t
          ? await remoteConfigAdmin(t).rollback({ version, ...(opts.message && { message: opts.message }) })
          : await withDatabase(ctx.env(), ctx.logger(), (deps) =>
              configAdmin.rollbackConfig(deps, {
                version,
                who: author,
                ...(opts.message && { message: opts.message }),
              }),
            );
        // The pointer has no column for who moved it (yet): this line and the log are the record.
        ctx.logger().info(
          {
            version: moved.version,
            previousVersion: moved.previousVersion,
            by: author,
            message: opts.message,
            via: t?.url,
          },
          'config rolled back',
        );
        io.out(
          moved.changed
            ? `version ${moved.version} is active again (was ${moved.previousVersion})${via}`
            : `version ${moved.version} was already active${via}`,
        );
      }),
    );
  return config;
}
