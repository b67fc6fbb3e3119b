// Retention and erasure on request (docs/operations.md). Retention runs in the workers on a timer,
// in bounded batches (one short transaction each, skip locked), until a round has nothing left or
// its batch budget is spent; the next round carries on. Erasure is one transaction per request,
// audited with the email's hash: the email itself never reaches the audit table or a log line.
import {
  anonymizeOldLeads,
  eraseByEmail,
  listErasures,
  purgeEventPayloads,
  purgePeopleTombstones,
  type ErasedRows,
  type ErasureRecord,
} from '../db/index.js';
import { emailSha256, normaliseErasureEmail } from '../lead/pii.js';
import type { PipelineDeps } from './deps.js';
import { followMirror } from './account-follow.js';

const dayMs = 86_400_000;

export interface RetentionPolicy {
  days: number;
  batch: number;
  /** Most batches per table in one round, so a first run over years of history yields between rounds. */
  maxBatches?: number;
}

/** Rows one retention round changed, per table (events purged; leads and what hangs off them anonymized). */
export interface RetentionTotals {
  events: number;
  leads: number;
  assignments: number;
  outbox: number;
  notifications: number;
  /** People-mirror tombstones deleted (rows without personal data left by a CRM deletion or an erasure). */
  people_tombstones: number;
}

export async function retentionOnce(
  deps: Pick<PipelineDeps, 'db' | 'now'>,
  policy: RetentionPolicy,
): Promise<RetentionTotals> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - policy.days * dayMs);
  const maxBatches = policy.maxBatches ?? 20;
  const total: RetentionTotals = {
    events: 0,
    leads: 0,
    assignments: 0,
    outbox: 0,
    notifications: 0,
    people_tombstones: 0,
  };
  for (let i = 0; i < maxBatches; i++) {
    const n = await purgeEventPayloads(deps.db, cutoff, policy.batch, now);
    total.events += n;
    if (n < policy.batch) break;
  }
  for (let i = 0; i < maxBatches; i++) {
    const r = await anonymizeOldLeads(deps.db, cutoff, policy.batch, now);
    total.leads += r.leads;
    total.assignments += r.assignments;
    total.outbox += r.outbox;
    total.notifications += r.notifications;
    if (r.leads < policy.batch) break;
  }
  for (let i = 0; i < maxBatches; i++) {
    const n = await purgePeopleTombstones(deps.db, cutoff, policy.batch);
    total.people_tombstones += n;
    if (n < policy.batch) break;
  }
  return total;
}

export function startRetention(
  deps: Pick<PipelineDeps, 'db' | 'now' | 'logger'>,
  policy: RetentionPolicy & { intervalMs: number },
): () => void {
  let running = false;
  const round = () => {
    if (running) return;
    running = true;
    retentionOnce(deps, policy)
      .then((n) => {
        if (n.events || n.leads)
          deps.logger.info({ retention: n, days: policy.days }, 'retention purged old personal data');
      })
      .catch((err: Error) => deps.logger.warn({ err: err.message }, 'retention round failed; will try again'))
      .finally(() => (running = false));
  };
  const first = setTimeout(round, 1_000);
  first.unref();
  const timer = setInterval(round, policy.intervalMs);
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}

export interface ErasureResult {
  id: string;
  emailSha256: string;
  rows: ErasedRows;
}

export async function eraseEmail(
  deps: Pick<PipelineDeps, 'db' | 'now'> & Partial<Pick<PipelineDeps, 'accounts'>>,
  input: { email: string; by: string },
): Promise<ErasureResult> {
  const hash = emailSha256(input.email);
  const { id, rows } = await eraseByEmail(deps.db, {
    email: normaliseErasureEmail(input.email),
    emailSha256: hash,
    requestedBy: input.by,
    now: deps.now(),
  });
  // This process's index drops the person now; every other process's at its next look (account-follow.ts).
  if (deps.accounts) await followMirror(deps.accounts);
  return { id, emailSha256: hash, rows };
}

/** The erasure audit trail, newest first. */
export const listErasureAudit = (deps: Pick<PipelineDeps, 'db'>, limit: number): Promise<ErasureRecord[]> =>
  listErasures(deps.db, limit);
