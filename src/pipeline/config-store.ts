// The active config, cached per process and re-read when the active pointer moves, so a
// publish takes effect on running workers without a restart.
import { parseConfigDocument, type ConfigDocument } from '../config/index.js';
import { getActiveConfig, getActiveVersionNumber, type Db } from '../db/index.js';

export interface ActiveConfig {
  version: number;
  doc: ConfigDocument;
}

export interface ConfigStore {
  /** The active config, checked against the database at most every `refreshMs`. */
  get(): Promise<ActiveConfig>;
  /** Forget the cache (after a publish or rollback in this process). */
  invalidate(): void;
}

export function createConfigStore(db: Db, opts: { refreshMs: number; now: () => number }): ConfigStore {
  let cached: ActiveConfig | undefined;
  let checkedAt = 0;
  let inflight: Promise<ActiveConfig> | undefined;

  async function load(): Promise<ActiveConfig> {
    const version = await getActiveVersionNumber(db);
    if (version === undefined) throw new Error('no active config: run `lead-router migrate` or publish one');
    if (cached?.version === version) return cached;
    const row = await getActiveConfig(db);
    const parsed = parseConfigDocument(row!.document);
    // Only valid documents are ever published; a failure here means the schema moved under it.
    if (!parsed.ok)
      throw new Error(
        `active config v${version} no longer validates: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      );
    return { version, doc: parsed.doc };
  }

  return {
    async get() {
      if (cached && opts.now() - checkedAt < opts.refreshMs) return cached;
      inflight ??= load().finally(() => (inflight = undefined));
      cached = await inflight;
      checkedAt = opts.now();
      return cached;
    },
    invalidate() {
      checkedAt = 0;
    },
  };
}
