import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** A connector's config from env: inline JSON, or `@path` to a JSON or YAML file. */
export function readConnectorConfig(name: string, value: string | undefined): unknown {
  if (!value) return undefined;
  try {
    return value.startsWith('@') ? parseYaml(readFileSync(value.slice(1), 'utf8')) : JSON.parse(value);
  } catch (err) {
    // Never echo the value: it holds credentials.
    throw new Error(`${name} is neither JSON nor @path to a readable JSON/YAML file: ${(err as Error).name}`);
  }
}
