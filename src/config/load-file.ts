import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';

/** Reads a YAML or JSON config file (YAML is a superset of JSON). */
export async function readConfigFile(path: string): Promise<unknown> {
  return parseYaml(await readFile(path, 'utf8'));
}
