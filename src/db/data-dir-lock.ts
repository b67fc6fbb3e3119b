// One owner per embedded data folder. PGlite is Postgres in this process, with no server to
// arbitrate: two processes opening the same folder would corrupt it. So the folder holds
// `lead-router.lock`, created exclusively (O_EXCL) with the holder's pid; a second process
// refuses with the folder and that pid. A lock whose pid is gone (a crash, a killed container)
// is stale and taken over. The lock also carries the URL a serving process listens on, so
// `lead-router config publish` can find the running service and go through its admin API.
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const lockFileName = 'lead-router.lock';

export interface LockInfo {
  pid: number;
  /** The holder's start time in clock ticks since boot (Linux), so a reused pid is not mistaken for the holder. */
  startTicks?: number;
  command: string;
  host: string;
  since: string;
  /** Set by `serve` once it listens: where its HTTP API is. */
  url?: string;
}

export interface DataDirLock {
  readonly path: string;
  /** Adds what a serving process announces (its URL) to the lock file. */
  update(extra: Pick<LockInfo, 'url'>): void;
  release(): void;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly folder: string,
    readonly holder: LockInfo,
  ) {
    const what = holder.pid === process.pid ? 'this process' : `process ${holder.pid}`;
    super(
      `the data folder ${folder} is in use by ${what} (lead-router ${holder.command}, since ${holder.since}${holder.url ? `, serving ${holder.url}` : ''}): ` +
        `one process owns an embedded data folder. Stop that process, or set DATA_DIR to another folder, or use Postgres (DATABASE_URL) to run several.`,
    );
    this.name = 'DataDirInUseError';
  }
}

/** Folders this process holds: a second open here is refused too, and the pid check cannot see it. */
const heldHere = new Set<string>();

/** Field 22 of /proc/<pid>/stat; undefined off Linux or when the process is gone. */
function startTicksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    return Number.isInteger(info.pid) ? info : undefined;
  } catch {
    return undefined; // missing, or half-written by a holder that died mid-write: not a live holder
  }
}

/**
 * Whether the lock's holder still runs. Our own pid counts only when this process holds the
 * folder (a container restarted on the same volume is often pid 1 again). The pid is checked on
 * this machine: a folder shared across machines is not supported.
 */
function holderAlive(folder: string, info: LockInfo): boolean {
  if (info.pid === process.pid) return heldHere.has(folder);
  if (!isAlive(info.pid)) return false;
  const ticks = startTicksOf(info.pid);
  return info.startTicks === undefined || ticks === undefined || ticks === info.startTicks;
}

/** The live holder of a data folder, if any (for the CLI to find a running service). */
export function readDataDirLock(dataDir: string): LockInfo | undefined {
  const folder = resolve(dataDir);
  const info = readLock(join(folder, lockFileName));
  return info && holderAlive(folder, info) ? info : undefined;
}

/** Takes the folder's lock or throws DataDirInUseError naming the holder. The folder must exist. */
export function acquireDataDirLock(dataDir: string, command: string): DataDirLock {
  const folder = resolve(dataDir);
  const file = join(folder, lockFileName);
  let info: LockInfo = { pid: process.pid, command, host: hostname(), since: new Date().toISOString() };
  const ticks = startTicksOf(process.pid);
  if (ticks !== undefined) info.startTicks = ticks;
  if (heldHere.has(folder)) throw new DataDirInUseError(folder, readLock(file) ?? info);
  // Two rounds at most: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLock(file);
      if (holder && holderAlive(folder, holder)) throw new DataDirInUseError(folder, holder);
      // Stale: move it aside under a name of our own first, so two processes taking over the same
      // stale lock cannot remove each other's fresh one; then try the exclusive create again.
      const aside = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, aside);
        rmSync(aside, { force: true });
      } catch {
        // another process moved it first; the next round's exclusive create decides
      }
      continue;
    }
    writeSync(fd, JSON.stringify(info));
    closeSync(fd);
    heldHere.add(folder);
    let released = false;
    return {
      path: file,
      update(extra) {
        if (released) return;
        info = { ...info, ...extra };
        // Write then rename: a reader never sees half a file.
        writeFileSync(`${file}.tmp-${process.pid}`, JSON.stringify(info));
        renameSync(`${file}.tmp-${process.pid}`, file);
      },
      release() {
        if (released) return;
        released = true;
        heldHere.delete(folder);
        // Only our own lock: never remove one a later process took over.
        if (readLock(file)?.pid === process.pid) rmSync(file, { force: true });
      },
    };
  }
  const holder = readLock(file);
  throw holder
    ? new DataDirInUseError(folder, holder)
    : new Error(`could not take the lock ${file}: another process is taking it at the same time`);
}
