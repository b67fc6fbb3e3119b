// One database handle for both backends: node-postgres against a real server, or PGlite
// (Postgres compiled to WASM, on disk) for the embedded default. Same schema, same migrations.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import pg from 'pg';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { schema } from './schema.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { hasDatabase, initdbInChild } from './pglite-initdb.js';
import { backfillReportDays } from './report-rollup.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/** A held session lock: `lost` resolves if its connection goes (the lock went with it). */
export interface Lease {
  lost: Promise<void>;
  release(): Promise<void>;
}

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  ping(): Promise<void>;
  /**
   * A Postgres session advisory lock on a connection of its own, or undefined when another
   * session holds it. PGlite has one process by construction: always granted.
   */
  tryLease(key: number): Promise<Lease | undefined>;
  /** PGlite only: this process's lock on the data folder (serve announces its URL there). */
  lock?: DataDirLock;
  close(): Promise<void>;
}

function resolveMigrationsFolder(): string {
  // Works from src/ (tsx) and from dist/src/ (compiled): migrations/ sits at the package root.
  const here = fileURLToPath(import.meta.url);
  const root = here.includes('/dist/')
    ? here.slice(0, here.indexOf('/dist/'))
    : here.slice(0, here.lastIndexOf('/src/'));
  return `${root}/migrations`;
}

export async function openPostgres(url: string, opts: { poolSize?: number } = {}): Promise<DbHandle> {
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 20 });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // A client checked out between two statements (a transaction waiting on JS) gets the same error
  // as an event with nobody listening, which would kill the process; its next query fails instead.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    migrate: async () => {
      await migratePg(drizzlePg(pool), { migrationsFolder: resolveMigrationsFolder() });
      await backfillReportDays(db);
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    tryLease: async (key) => {
      const client = await pool.connect();
      let granted = false;
      try {
        granted = (await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [key])).rows[0]!.ok;
      } finally {
        if (!granted) client.release();
      }
      if (!granted) return undefined;
      let gone!: () => void;
      const lost = new Promise<void>((resolve) => (gone = resolve));
      client.on('error', () => gone());
      client.on('end', () => gone());
      return {
        lost,
        release: async () => {
          try {
            await client.query('select pg_advisory_unlock($1)', [key]);
            client.release();
          } catch (err) {
            client.release(err as Error); // a broken connection is dropped, and the lock with it
          }
        },
      };
    },
    close: () => pool.end(),
  };
}

/**
 * PGlite on disk. The folder is locked first (data-dir-lock.ts): a second process refuses with
 * the folder and the holder's pid. `command` names this process in the lock ("serve", "config").
 */
/**
 * Postgres settings for the embedded database, on its command line (they override the data
 * folder's postgresql.conf without rewriting it). Postgres's shared memory lives in PGlite's WASM
 * memory, which never shrinks: the default 128 MB buffer cache alone was ~120 MB of the process's
 * resident memory. A development database of thousands of leads fits in 16 MB; work_mem and the
 * like are allocated on demand and left alone.
 */
export const pgliteSettings = ['shared_buffers=16MB'];

/**
 * V8 compiles PGlite's 9 MB of WASM with its baseline compiler (Liftoff) only: the optimizing
 * tier's background compiles left ~150 MB of freed-but-kept malloc arenas and code behind, for
 * queries that are not the embedded default's bottleneck. Set before PGlite compiles (the flag is
 * read at compile time), and only here: the Postgres path never loads PGlite.
 */
function baselineWasmOnly(): void {
  setFlagsFromString('--liftoff-only');
}

export async function openPglite(dataDir: string, command = 'process'): Promise<DbHandle> {
  baselineWasmOnly();
  const [{ PGlite }, { drizzle: drizzleLite }, { migrate: migrateLite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireDataDirLock(dataDir, command);
  let client: Awaited<ReturnType<typeof PGlite.create>>;
  try {
    const startParams = [...PGlite.defaultStartParams, ...pgliteSettings.flatMap((s) => ['-c', s])];
    if (!hasDatabase(dataDir)) await initdbInChild(dataDir, startParams);
    client = await PGlite.create(dataDir, { startParams });
  } catch (err) {
    lock.release();
    throw err;
  }
  const db = drizzleLite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    migrate: async () => {
      await migrateLite(drizzleLite(client), { migrationsFolder: resolveMigrationsFolder() });
      await backfillReportDays(db);
    },
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    tryLease: async () => ({ lost: new Promise<void>(() => {}), release: async () => {} }),
    lock,
    close: async () => {
      try {
        await client.close();
      } finally {
        lock.release();
      }
    },
  };
}

/** The rows of a raw `execute`: node-postgres answers a QueryResult, PGlite a Results; both carry `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows?: T[] }).rows ?? (result as T[]);
}

/** What executeNamed reaches inside a drizzle Db or Tx (present at runtime, typed internal by drizzle). */
interface Session {
  dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } };
  session: {
    prepareQuery(q: { sql: string; params: unknown[] }, fields: undefined, name: string, arrayMode: false): Run;
  };
}
type Run = { execute(): Promise<unknown> };

/**
 * `db.execute(query)` as a named prepared statement: each connection parses and plans its text
 * once, then runs it as a plan (a routing batch's write statement cost ~3.6 ms to plan, per
 * batch, before it ran). Only for the hot path's statements whose text is the same every call
 * (values all parameters); the name is the text's hash, so two texts never share one. PGlite
 * ignores the name.
 */
export function executeNamed(db: DbOrTx, query: SQL): Promise<unknown> {
  const { dialect, session } = db as unknown as Session;
  const q = dialect.sqlToQuery(query);
  return session.prepareQuery(q, undefined, statementName(q.sql), false).execute();
}

const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `lr_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    // A bounded cache: the texts passed here are a handful of constants.
    if (names.size > 200) names.clear();
    names.set(text, name);
  }
  return name;
}

/**
 * `any(array[...uuids])` for `id = ${anyUuid(ids)}`: one array value the planner reads by an index
 * whatever the table's size (a join to jsonb_to_recordset is estimated at 100 rows and can be
 * hashed against a whole table).
 */
export const anyUuid = (ids: string[]) => sql`any(array(select jsonb_array_elements_text(${jsonParam(ids)})::uuid))`;

/** A value as one jsonb parameter (for jsonb_to_recordset / jsonb_array_elements_text inputs). */
export const jsonParam = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;
