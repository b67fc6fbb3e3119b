// A new embedded data folder is made (initdb) in a short-lived child process, not in serve's.
// PGlite runs initdb in a second PGlite of its own (a second 128 MB WASM memory, plus a copy of
// it): once that is freed, glibc keeps the ~65 MB of malloc it went through resident for the life
// of the process. In a child the whole of it goes back to the system when the child exits.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Whether the folder already holds a database (PGlite's own test: PG_VERSION at its root). */
export function hasDatabase(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Creates the database in `dataDir` in a child node (the caller holds the folder's lock). The
 * child imports PGlite by absolute URL, so it works from src/ (tsx) and dist/ alike.
 */
export async function initdbInChild(dataDir: string, startParams: string[]): Promise<void> {
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const script = [
    `const { PGlite } = await import(${JSON.stringify(pglite)});`,
    `const db = await PGlite.create(process.argv[1], { startParams: JSON.parse(process.argv[2]) });`,
    'await db.close();',
  ].join('\n');
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--liftoff-only', '--input-type=module', '-e', script, dataDir, JSON.stringify(startParams)],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, maxBuffer: 1 << 20 },
      (err, _stdout, stderr) =>
        err
          ? reject(new Error(`could not create the embedded database in ${dataDir}: ${stderr || err.message}`))
          : resolve(),
    );
  });
}
