// Config files (YAML, or JSON, which YAML reads too), kept with their source positions so an
// error can say which line to fix: `routing.rules[id=emea].action.pool (line 42)`.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { FieldIssue } from '../errors.js';
import { indexPath } from './item-paths.js';

/** Reads a YAML or JSON config file (YAML is a superset of JSON). */
export async function readConfigFile(path: string): Promise<unknown> {
  return (await readConfigSource(path)).document;
}

export interface ConfigSource {
  document: unknown;
  /** The 1-based line a path (any spelling fieldPath makes) points at, or the nearest enclosing item's line. */
  lineOf(path: string): number | undefined;
}

/** Parses config text, keeping where each node starts; throws the first YAML syntax error (with its line). */
export function parseConfigText(text: string): ConfigSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  if (doc.errors.length) throw doc.errors[0]!;
  const document: unknown = doc.toJS();
  return {
    document,
    lineOf(path) {
      const parts = indexPath(path, document);
      if (!parts) return undefined;
      // A missing key (a required field left out) has no node: point at the object that lacks it.
      for (let n = parts.length; n >= 0; n--) {
        const node = doc.getIn(parts.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

export async function readConfigSource(path: string): Promise<ConfigSource> {
  return parseConfigText(await readFile(path, 'utf8'));
}

/** Each issue with the line of the file its path points at. */
export function withLines(issues: FieldIssue[], source: ConfigSource): FieldIssue[] {
  return issues.map((i) => {
    const line = source.lineOf(i.path);
    return line === undefined ? i : { ...i, line };
  });
}
