// SOQL building blocks. Values are quoted and escaped (SOQL string literals use backslash
// escapes); names cannot be quoted in SOQL, so they are checked against a strict pattern instead.
import type { Connection } from 'jsforce';
import { errors } from '../../src/errors.js';

const NAME = /^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$/;

/** 'value' with \ ' " and control characters escaped per the SOQL reference ("Quoted String Escape Sequences"). */
export function soqlString(value: string): string {
  const escaped = value.replace(/[\\'"\n\r\t\f\b]/g, (c) => {
    const map: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f', '\b': '\\b' };
    return map[c] ?? `\\${c}`;
  });
  return `'${escaped}'`;
}

/** A SOQL datetime literal (unquoted, whole seconds, UTC): 2025-07-15T21:12:05Z. */
export function soqlDateTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Throws VALIDATION_FAILED naming the path when a field or object name could change the query. */
export function checkName(name: string, path: string): string {
  if (!NAME.test(name)) throw errors.validation([{ path, message: `"${name}" is not a valid Salesforce API name` }]);
  return name;
}

/** Id first, then the requested fields once each (SOQL rejects duplicate fields). */
export function selectList(fields: readonly string[], path: string): string {
  const seen = new Map<string, string>([['id', 'Id']]);
  fields.forEach((f, i) => {
    checkName(f, `${path}[${i}]`);
    if (!seen.has(f.toLowerCase())) seen.set(f.toLowerCase(), f);
  });
  return [...seen.values()].join(', ');
}

export type SoqlRecord = { [field: string]: unknown; Id: string };

/** Runs a query and follows nextRecordsUrl until done (a page holds up to 2,000 rows). */
export async function queryAll(conn: Connection, soql: string): Promise<SoqlRecord[]> {
  let page = await conn.query(soql);
  const out = [...page.records] as SoqlRecord[];
  while (!page.done && page.nextRecordsUrl) {
    page = await conn.queryMore(page.nextRecordsUrl);
    out.push(...(page.records as SoqlRecord[]));
  }
  return out;
}

/** The record's fields without jsforce/REST metadata. */
export function fieldsOf(rec: SoqlRecord): Record<string, unknown> {
  const { attributes: _attributes, ...fields } = rec;
  return fields;
}
