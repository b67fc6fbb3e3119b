// Rows of one table travelling into SQL as one JSON parameter (jsonb_to_recordset), shaped and named
// by the drizzle schema: the JSON keys are the table's property names (camelCase, as every other
// repository writes them), and the column names and types come from the table. A column renamed in
// schema.ts changes the row type (the build breaks where a row is made) and the SQL together.
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

export type ColumnKey<T extends PgTable> = Extract<keyof T['$inferInsert'], string>;

/** The insert row of `table` with exactly these columns, each given (null where nullable). */
export type RowOf<T extends PgTable, K extends ColumnKey<T>> = Required<Pick<T['$inferInsert'], K>>;

export interface Recordset {
  /** `"eventId" uuid, "ownerId" text`: the `as x(...)` of jsonb_to_recordset. */
  definition: SQL;
  /** `"event_id", "owner_id"`: an insert's column list, in the same order. */
  columns: SQL;
  /** `x."eventId", x."ownerId"`: the select list that feeds that insert. */
  select(alias: string): SQL;
  /** `"object_type" as "objectType"`: a returning list that hands the rows on under their property names. */
  returning: SQL;
  /** `l."crm" = x."crm" and ...`: two relations, both under property names, joined on these columns. */
  match(left: string, right: string): SQL;
}

const raw = (parts: string[]) => sql.raw(parts.join(', '));

/** The recordset of these columns of `table` (built once, at module load: the SQL text stays constant). */
export function recordset<T extends PgTable, K extends ColumnKey<T>>(table: T, keys: readonly K[]): Recordset {
  const cols = getTableColumns(table) as Record<string, PgColumn>;
  const col = (k: string) => cols[k]!;
  return {
    definition: raw(keys.map((k) => `"${k}" ${col(k).getSQLType()}`)),
    columns: raw(keys.map((k) => `"${col(k).name}"`)),
    select: (alias) => raw(keys.map((k) => `${alias}."${k}"`)),
    returning: raw(keys.map((k) => `"${col(k).name}" as "${k}"`)),
    match: (left, right) => sql.raw(keys.map((k) => `${left}."${k}" = ${right}."${k}"`).join(' and ')),
  };
}

/** A column's name, unqualified (for `on conflict (...)`, joins on a CTE, returning lists). */
export const name = (column: PgColumn) => sql.identifier(column.name);
