// Deliver outbox rows through their CRM connector, as many per call as are waiting. Only due
// pending rows are claimed (a lease on next_attempt_at), so done rows, rows another job is
// writing and rows a backoff or an open circuit holds are skipped: a repeated job never writes twice. Every outcome is settled in Postgres
// here (docs/failures.md): written rows done; a permanent refusal a dead letter with its code; a
// retryable failure the row's next try. The job itself then succeeds: the schedule is the row's.
import type { OwnerWrite, WriteResult } from '../connector.js';
import {
  claimDueOutboxRows,
  deferRows,
  isDatabaseUnavailable,
  recordWriteResults,
  type ClaimedOutboxRow,
  type ConfirmedStep,
} from '../db/index.js';
import { AppError, errors } from '../errors.js';
import type { CrmName } from '../lead/index.js';
import type { PipelineDeps } from './deps.js';
import { durabilityOf, settleFailures } from './durability.js';
import type { BatchOutcome } from './group-commit.js';
import { failureOf, type Failure } from './retry-schedule.js';
import { leadIdFields, leadLogger } from './lead-log.js';

/** A retryable CRM failure; carries the CRM's Retry-After for the backoff. */
export class RetryableWriteError extends AppError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super('CRM_TEMPORARY', message, { retryable: true, ...(retryAfterMs !== undefined && { retryAfterMs }) });
  }
}

export async function writeBackBatch(deps: PipelineDeps, outboxIds: string[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = new Map(outboxIds.map((id) => [id, undefined]));
  const now = deps.now();
  const rows = await claimDueOutboxRows(deps.db, outboxIds, now, new Date(now.getTime() + durabilityOf(deps).leaseMs));
  const byCrm = new Map<string, typeof rows>();
  for (const r of rows) byCrm.set(r.crm, [...(byCrm.get(r.crm) ?? []), r]);
  await Promise.all([...byCrm].map(([crm, group]) => writeGroup(deps, crm as CrmName, group)));
  return outcome;
}

async function writeGroup(deps: PipelineDeps, crm: CrmName, rows: ClaimedOutboxRow[]): Promise<void> {
  const connector = deps.connectors[crm];
  if (!connector) {
    const failure = failureOf(errors.connectorNotConfigured(crm));
    await settleFailures(
      deps,
      'writeback',
      rows.map((r) => ({ id: r.id, failure })),
    );
    return;
  }
  // While the CRM's circuit is open nothing is sent: the rows wait, their horizon untouched.
  const circuit = durabilityOf(deps).circuits.get(crm);
  const admission = circuit.admit();
  if (!admission.ok) {
    await deferRows(
      deps.db,
      'writeback',
      rows.map((r) => r.id),
      new Date(admission.retryAt),
    );
    deps.metrics.writebacks.inc({ crm, outcome: 'held' }, rows.length);
    return;
  }
  if (admission.probe) {
    deps.metrics.circuitState.set({ crm }, 1);
    deps.logger.info({ crm, writes: rows.length }, 'circuit half-open: one call goes as a probe');
  }
  const writes: OwnerWrite[] = rows.map((r) => ({
    writeId: r.id,
    ref: { crm, objectType: r.objectType, id: r.recordId },
    ownerId: r.ownerId,
    extraFields: (r.extraFields as Record<string, string> | null) ?? undefined,
  }));
  let results: WriteResult[];
  const renewing = holdLease(
    deps,
    rows.map((r) => r.id),
  );
  const started = performance.now();
  try {
    results = await connector.writeOwners(writes);
  } catch (err) {
    const failure = failureOf(err);
    observeCall(deps, crm, failure.retryable ? 'down' : 'answered');
    deps.metrics.writebacks.inc({ crm, outcome: failure.retryable ? 'retry' : 'failed' }, rows.length);
    await settleFailures(
      deps,
      'writeback',
      rows.map((r) => ({ id: r.id, failure })),
    );
    return;
  } finally {
    clearInterval(renewing);
  }
  const callMs = Math.round(performance.now() - started);
  const now = deps.now();
  const byId = new Map(results.map((x) => [x.writeId, x]));
  const done: string[] = [];
  const failed: Array<{ id: string; failure: Failure }> = [];
  for (const r of rows) {
    const res = byId.get(r.id);
    if (!res || res.ok) {
      done.push(r.id);
      deps.metrics.leadTimeToOwner.observe((now.getTime() - r.receivedAt.getTime()) / 1000);
      observeSpeedToLead(deps, crm, r, now);
    } else {
      failed.push({
        id: r.id,
        failure: {
          code: res.code,
          message: res.message,
          retryable: res.retryable,
          ...(res.retryAfterMs !== undefined && { retryAfterMs: res.retryAfterMs }),
        },
      });
      if (!res.retryable)
        deps.logger.warn(
          { ...idsOf(r), outboxId: r.id, crm, code: res.code, reason: res.message },
          'write-back refused by the CRM; a dead letter, not retried',
        );
    }
  }
  // Every write failing retryably is the CRM failing, not the records (a 5xx, a limit on the whole portal).
  observeCall(
    deps,
    crm,
    failed.length === rows.length && failed.every((f) => f.failure.retryable) ? 'down' : 'answered',
  );
  // The ledger keeps what the CRM answered to each write (docs/sync.md), retries included.
  const accepted = new Set(done);
  await untilStored(deps, crm, async () => {
    const confirmed = await recordWriteResults(
      deps.db,
      rows.map((r) => {
        const res = byId.get(r.id);
        return {
          id: r.id,
          done: accepted.has(r.id),
          response: res
            ? { ...res, at: now.toISOString() }
            : { ok: true, note: 'no per-record result', at: now.toISOString() },
        };
      }),
      now,
    );
    observeConfirmedSteps(deps, confirmed);
    await settleFailures(deps, 'writeback', failed);
  });
  // One info line per owner written, once it is recorded: what a person greps for to see a lead land.
  if (done.length && deps.logger.isLevelEnabled('info')) {
    for (const r of rows) {
      if (!accepted.has(r.id)) continue;
      leadLogger(deps.logger, { leadId: r.leadId, eventId: r.eventId, requestId: r.requestId }).info(
        {
          crm,
          record: `${r.objectType}/${r.recordId}`,
          owner: r.ownerId,
          outboxId: r.id,
          attempt: r.attempts + 1,
          batch: rows.length,
          ms: callMs,
        },
        'owner written',
      );
    }
  }
  deps.metrics.writebacks.inc({ crm, outcome: 'done' }, done.length);
  const retried = failed.filter((f) => f.failure.retryable).length;
  if (retried) deps.metrics.writebacks.inc({ crm, outcome: 'retry' }, retried);
  if (failed.length - retried) deps.metrics.writebacks.inc({ crm, outcome: 'failed' }, failed.length - retried);
}

const idsOf = (r: ClaimedOutboxRow) => leadIdFields({ leadId: r.leadId, eventId: r.eventId, requestId: r.requestId });

/**
 * Speed to lead: from when the CRM says the record was created (the lead's createdAt, mapped from
 * the record) to its owner written; from our intake when the CRM gave no creation time. Only a
 * creation's write counts: an SLA reassignment or a revert is not the lead's first owner. A CRM
 * clock ahead of ours reads as 0, not negative.
 */
function observeSpeedToLead(deps: PipelineDeps, crm: CrmName, r: ClaimedOutboxRow, now: Date): void {
  if (r.eventKind !== 'created') return;
  const from = r.recordCreatedAt ?? r.receivedAt;
  const seconds = Math.max(0, (now.getTime() - from.getTime()) / 1000);
  const pool = r.poolId ?? 'none';
  deps.metrics.speedToLead.observe({ crm, pool, since: r.recordCreatedAt ? 'crm_created' : 'received' }, seconds);
  // The same way in steps (lead_reports keeps them per lead for GET /v1/reports/speed-to-lead).
  const step = (stage: string, a: Date, b: Date) =>
    deps.metrics.speedToLeadStage.observe({ crm, pool, stage }, Math.max(0, (b.getTime() - a.getTime()) / 1000));
  if (r.recordCreatedAt) step('created_to_received', r.recordCreatedAt, r.receivedAt);
  step('received_to_decided', r.receivedAt, r.decidedAt);
  step('decided_to_written', r.decidedAt, now);
}

/** The echo step (written -> confirmed) of the leads a statement completed it for: the echo or the write, whichever was recorded last. */
export function observeConfirmedSteps(deps: PipelineDeps, steps: ConfirmedStep[]): void {
  for (const s of steps)
    deps.metrics.speedToLeadStage.observe(
      { crm: s.crm, pool: s.pool ?? 'none', stage: 'written_to_confirmed' },
      Number(s.ms) / 1000,
    );
}

function observeCall(deps: PipelineDeps, crm: CrmName, how: 'down' | 'answered'): void {
  const circuit = durabilityOf(deps).circuits.get(crm);
  const before = circuit.state();
  if (how === 'down') circuit.failure();
  else circuit.success();
  const after = circuit.state();
  if (after === before) return;
  deps.metrics.circuitState.set({ crm }, after === 'closed' ? 0 : 2);
  if (after === 'open') deps.logger.warn({ crm, from: before }, 'circuit opened: writes to this CRM wait');
  else deps.logger.info({ crm, from: before }, 'circuit closed: writes to this CRM resume');
}

/**
 * What the CRM answered is stored, however long the database is away: the CRM has acted, so a
 * failed store must not turn into a failed job, whose retry would send the same writes again.
 * Only "database unreachable" is waited out; anything else is a bug and is thrown.
 */
async function untilStored(deps: PipelineDeps, crm: CrmName, store: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await store();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || attempt >= storeRetryDelaysMs.length) throw err;
      if (attempt === 0)
        deps.logger.warn(
          { crm, err: (err as Error).message },
          'the CRM took the writes but the database is unreachable; holding the results until it is back',
        );
      await new Promise((resolve) => setTimeout(resolve, storeRetryDelaysMs[attempt]));
    }
  }
}

/** Every 100 ms for a minute (a refused connection costs nothing), then every 5 s for ten more. */
const storeRetryDelaysMs = [...Array<number>(600).fill(100), ...Array<number>(120).fill(5_000)];

/**
 * Keeps the claim on rows whose CRM call is still running (a call may wait out 429s and time out
 * and retry for longer than one lease): without it another worker would claim them as due and
 * send the same writes. A worker that dies stops renewing, and its rows come due a lease later.
 */
function holdLease(deps: PipelineDeps, ids: string[]): NodeJS.Timeout {
  const { leaseMs } = durabilityOf(deps);
  const timer = setInterval(
    () => {
      deferRows(deps.db, 'writeback', ids, new Date(deps.now().getTime() + leaseMs)).catch(() => {
        // The database is away: the lease runs out, and the rows are due again once it is back.
      });
    },
    Math.max(50, Math.floor(leaseMs / 3)),
  );
  timer.unref();
  return timer;
}
