// What this process runs, for the build_info metric: the package version (read once at start from
// the package.json next to src/ or dist/), and the commit when the build passed one (BUILD_COMMIT).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  commit?: string;
}

/** Walks up from this file (src/ under tsx, dist/src/ when built) to the package's own package.json. */
export function readBuildInfo(commit?: string): BuildInfo {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'lead-router' && pkg.version) return { version: pkg.version, ...(commit && { commit }) };
    } catch {
      // not here: one folder up
    }
    dir = dirname(dir);
  }
  return { version: 'unknown', ...(commit && { commit }) };
}
