// A draft's YAML as the admin typed it, checked: a syntax error at its line, or the document with
// a way to find the line of any validation error's path (config/load-file.ts keeps node ranges).
import { parseConfigText, withLines } from '../../config/index.js';
import type { FieldIssue } from '../../errors.js';

export type CheckedYaml =
  { ok: true; document: unknown; lines(issues: FieldIssue[]): FieldIssue[] } | { ok: false; issue: FieldIssue };

export function checkYaml(text: string): CheckedYaml {
  try {
    const source = parseConfigText(text);
    return { ok: true, document: source.document, lines: (issues) => withLines(issues, source) };
  } catch (err) {
    const e = err as Error & { linePos?: Array<{ line: number; col: number }> };
    const line = e.linePos?.[0]?.line;
    // The yaml library's message already ends with a picture of the spot; its first line is enough here.
    const message = `not valid YAML: ${e.message.split('\n')[0]}`;
    return { ok: false, issue: { path: '(yaml)', message, ...(line !== undefined && { line }) } };
  }
}
