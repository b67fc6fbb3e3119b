// `lead-router reports backfill`: lead_reports rows for the leads routed before the table existed
// (src/db/report-backfill.ts says what each row is made of and why a second run adds nothing).
// Batches of leads by id, one statement and one short transaction each, so a large history does
// not hold one long transaction beside a running service.
import { backfillLeadReportsBatch, firstReportDecidedAt, type DbOrTx } from '../db/index.js';

export const backfillBatchSize = 5_000;

export interface ReportBackfillResult {
  /** Rows added (0 on a second run). */
  added: number;
  /** Leads read. */
  leads: number;
  /** Only leads first decided before this were considered: when reports began, or when the run started. */
  before: string;
}

export async function backfillLeadReports(
  deps: { db: DbOrTx; now: () => Date },
  opts: { batchSize?: number; onBatch?: (leadsRead: number, added: number) => void } = {},
): Promise<ReportBackfillResult> {
  const before = (await firstReportDecidedAt(deps.db)) ?? deps.now();
  const limit = opts.batchSize ?? backfillBatchSize;
  let afterLeadId: string | null = null;
  let added = 0;
  let leads = 0;
  for (;;) {
    const batch = await backfillLeadReportsBatch(deps.db, { afterLeadId, before, limit });
    if (batch.lastLeadId === null) break;
    afterLeadId = batch.lastLeadId;
    added += batch.added;
    leads += batch.read;
    opts.onBatch?.(leads, added);
  }
  return { added, leads, before: before.toISOString() };
}
