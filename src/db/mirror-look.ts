// A follower's look at the mirror in one statement (account-follow.ts): the snapshot's xmin and the
// first page of accounts and of people stamped since, all from the statement's one snapshot. A
// routing batch looks before it matches; when nothing changed this is its only round trip for it.
import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from './client.js';
import { mirrorChangesSql, type MirrorChange } from './account-mirror.js';
import { peopleChangesSql, type PersonChange } from './people-mirror.js';

export interface MirrorLook {
  xmin: string;
  accounts: MirrorChange[];
  people: PersonChange[];
}

export async function readMirrorLook(
  db: DbOrTx,
  opts: { from: string; done: readonly string[]; limit: number },
): Promise<MirrorLook> {
  const [row] = rowsOf<MirrorLook>(
    await db.execute(sql`
      select pg_snapshot_xmin(pg_current_snapshot())::text as xmin,
        (select coalesce(jsonb_agg(a), '[]') from (${mirrorChangesSql(opts)}) a) as accounts,
        (select coalesce(jsonb_agg(p), '[]') from (${peopleChangesSql(opts)}) p) as people`),
  );
  return row!;
}
