// Deliver one outbox row through its CRM connector. Done rows are skipped, so a repeated job
// never writes twice; a permanent CRM refusal is stored with its reason and not retried.
import { getOutbox, markOutboxDone, markOutboxFailed, recordOutboxAttempt } from '../db/index.js';
import { AppError, errors } from '../errors.js';
import type { CrmName } from '../lead/index.js';
import type { PipelineDeps } from './deps.js';
import { writebackJob } from './jobs.js';

/** A retryable CRM failure; carries the CRM's Retry-After for the backoff. */
export class RetryableWriteError extends AppError {
  constructor(message: string, readonly retryAfterMs?: number) {
    super('CRM_TEMPORARY', 502, message);
  }
}

export async function writeBack(deps: PipelineDeps, payload: unknown): Promise<void> {
  const { outboxId } = writebackJob.parse(payload);
  const row = await getOutbox(deps.db, outboxId);
  if (!row || row.status !== 'pending') return;
  const connector = deps.connectors[row.crm as CrmName];
  if (!connector) throw errors.connectorNotConfigured(row.crm);

  const [result] = await connector.writeOwners([
    {
      writeId: row.id,
      ref: { crm: row.crm as CrmName, objectType: row.objectType, id: row.recordId },
      ownerId: row.ownerId,
      extraFields: (row.extraFields as Record<string, string> | null) ?? undefined,
    },
  ]);
  const now = deps.now();
  if (!result || result.ok) {
    await markOutboxDone(deps.db, row.id, now);
    deps.metrics.writebacks.inc({ crm: row.crm, outcome: 'done' });
    return;
  }
  if (!result.retryable) {
    await markOutboxFailed(deps.db, row.id, `${result.code}: ${result.message}`, now);
    deps.metrics.writebacks.inc({ crm: row.crm, outcome: 'failed' });
    deps.logger.warn({ outboxId, code: result.code, reason: result.message }, 'write-back refused by the CRM; not retried');
    return;
  }
  await recordOutboxAttempt(deps.db, row.id, `${result.code}: ${result.message}`);
  deps.metrics.writebacks.inc({ crm: row.crm, outcome: 'retry' });
  throw new RetryableWriteError(`${result.code}: ${result.message}`, result.retryAfterMs);
}
