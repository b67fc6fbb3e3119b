// Batch read of the fields the mapping needs: one SOQL query per 200 ids
// (SELECT <fields> FROM <obj> WHERE Id IN (...)). 200 keeps the GET URL far below Salesforce's
// 16,384-character URI limit even with long field lists. Ids the CRM no longer has (deleted,
// merged) are simply absent from the result; the caller decides what a missing record means.
import type { CrmRecord } from '../../src/connector.js';
import { callApi, type ApiContext } from './api-context.js';
import { checkName, fieldsOf, queryAll, selectList, soqlString } from './soql.js';

export const FETCH_CHUNK = 200;

export function buildFetchSoql(objectType: string, ids: readonly string[], fields: readonly string[]): string {
  const obj = checkName(objectType, 'objectType');
  return `SELECT ${selectList(fields, 'fields')} FROM ${obj} WHERE Id IN (${ids.map(soqlString).join(', ')})`;
}

export async function fetchRecords(
  ctx: ApiContext,
  objectType: string,
  ids: readonly string[],
  fields: readonly string[],
): Promise<CrmRecord[]> {
  const unique = [...new Set(ids)];
  const out: CrmRecord[] = [];
  for (let i = 0; i < unique.length; i += FETCH_CHUNK) {
    const soql = buildFetchSoql(objectType, unique.slice(i, i + FETCH_CHUNK), fields);
    const rows = await callApi(ctx, `query ${objectType}`, (conn) => queryAll(conn, soql));
    for (const row of rows) {
      out.push({ ref: { crm: 'salesforce', objectType, id: row.Id }, fields: fieldsOf(row) });
    }
  }
  return out;
}
