// Deliver outbox rows through their CRM connector, as many per call as are waiting. Done rows
// are skipped, so a repeated job never writes twice; a permanent CRM refusal is stored with its
// reason and not retried; a retryable one fails only its own job, with the CRM's Retry-After.
import type { OwnerWrite } from '../connector.js';
import { getPendingOutboxRows, markOutboxFailed, recordOutboxAttempt, recordWriteResults, type OutboxRow } from '../db/index.js';
import { AppError, errors } from '../errors.js';
import type { CrmName } from '../lead/index.js';
import type { PipelineDeps } from './deps.js';
import type { BatchOutcome } from './group-commit.js';

/** A retryable CRM failure; carries the CRM's Retry-After for the backoff. */
export class RetryableWriteError extends AppError {
  constructor(message: string, readonly retryAfterMs?: number) {
    super('CRM_TEMPORARY', 502, message);
  }
}

export async function writeBackBatch(deps: PipelineDeps, outboxIds: string[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = new Map(outboxIds.map((id) => [id, undefined]));
  const rows = await getPendingOutboxRows(deps.db, outboxIds);
  const byCrm = new Map<string, typeof rows>();
  for (const r of rows) byCrm.set(r.crm, [...(byCrm.get(r.crm) ?? []), r]);
  await Promise.all([...byCrm].map(([crm, group]) => writeGroup(deps, crm as CrmName, group, outcome)));
  return outcome;
}

async function writeGroup(deps: PipelineDeps, crm: CrmName, rows: Array<OutboxRow & { receivedAt: Date }>, outcome: BatchOutcome): Promise<void> {
  const connector = deps.connectors[crm];
  if (!connector) {
    for (const r of rows) outcome.set(r.id, errors.connectorNotConfigured(crm));
    return;
  }
  const writes: OwnerWrite[] = rows.map((r) => ({
    writeId: r.id,
    ref: { crm, objectType: r.objectType, id: r.recordId },
    ownerId: r.ownerId,
    extraFields: (r.extraFields as Record<string, string> | null) ?? undefined,
  }));
  let results;
  try {
    results = await connector.writeOwners(writes);
  } catch (err) {
    for (const r of rows) outcome.set(r.id, err as Error);
    return;
  }
  const now = deps.now();
  const byId = new Map(results.map((x) => [x.writeId, x]));
  const done: string[] = [];
  for (const r of rows) {
    const res = byId.get(r.id);
    if (!res || res.ok) {
      done.push(r.id);
      deps.metrics.leadTimeToOwner.observe((now.getTime() - r.receivedAt.getTime()) / 1000);
    } else if (!res.retryable) {
      await markOutboxFailed(deps.db, r.id, `${res.code}: ${res.message}`, now);
      deps.metrics.writebacks.inc({ crm, outcome: 'failed' });
      deps.logger.warn({ outboxId: r.id, code: res.code, reason: res.message }, 'write-back refused by the CRM; not retried');
    } else {
      await recordOutboxAttempt(deps.db, r.id, `${res.code}: ${res.message}`);
      deps.metrics.writebacks.inc({ crm, outcome: 'retry' });
      outcome.set(r.id, new RetryableWriteError(`${res.code}: ${res.message}`, res.retryAfterMs));
    }
  }
  // The ledger keeps what the CRM answered to each write (docs/sync.md), retries included.
  const accepted = new Set(done);
  await recordWriteResults(
    deps.db,
    rows.map((r) => {
      const res = byId.get(r.id);
      return { id: r.id, done: accepted.has(r.id), response: res ? { ...res, at: now.toISOString() } : { ok: true, note: 'no per-record result', at: now.toISOString() } };
    }),
    now,
  );
  deps.metrics.writebacks.inc({ crm, outcome: 'done' }, done.length);
}
