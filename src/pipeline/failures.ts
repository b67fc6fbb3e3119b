// Dead letters for operators (docs/failures.md): GET /v1/admin/failures lists them, POST
// /v1/admin/failures/replay and `lead-router replay` put them back to work. A replay is
// idempotent: a row written or replayed meanwhile is no longer dead and is skipped; a dead write
// that a newer owner decision superseded is never sent (it would undo that decision).
import {
  listDeadLetters,
  reviveDeadLetters,
  supersededWrites,
  type Db,
  type DeadLetterFilter,
  type DeadLetterRow,
  type RetryKind,
} from '../db/index.js';
import { errors } from '../errors.js';
import type { JobQueue } from '../queue/index.js';
import { enqueueTry } from './durability.js';

export interface FailureFilter {
  kind?: RetryKind;
  crm?: string;
  code?: string;
  since?: Date;
  until?: Date;
}

export interface FailureView {
  /** route: the inbound event could not be routed; writeback: the owner could not be written; notify: a notification could not be sent. */
  kind: RetryKind;
  /** The row's id: the inbound event (route) or the outbox row (writeback); replay takes these. */
  id: string;
  /** Null for a notification not about an assignment. */
  eventId: string | null;
  outboxId: string | null;
  leadId: string | null;
  record: { crm: string; objectType: string; recordId: string };
  /** The CRM owner a dead write was to set. */
  ownerId: string | null;
  /** failed (retry horizon spent or refused for good) or refused (not parseable, at intake). */
  status: string;
  code: string | null;
  lastError: string | null;
  attempts: number;
  firstFailedAt: string | null;
  lastAttemptAt: string;
}

export interface FailurePage {
  items: FailureView[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface ReplayResult {
  dryRun: boolean;
  /** Rows put back to work (with dryRun: that would be). */
  replayed: Array<{ kind: RetryKind; id: string }>;
  skipped: Array<{ kind: RetryKind | null; id: string; reason: string }>;
}

function toView(r: DeadLetterRow): FailureView {
  return {
    kind: r.kind,
    id: r.id,
    eventId: r.eventId,
    outboxId: r.outboxId,
    leadId: r.leadId,
    record: { crm: r.crm, objectType: r.objectType, recordId: r.recordId },
    ownerId: r.ownerId,
    status: r.status,
    code: r.code,
    lastError: r.lastError,
    attempts: r.attempts,
    firstFailedAt: r.firstFailedAt?.toISOString() ?? null,
    lastAttemptAt: r.at.toISOString(),
  };
}

// Opaque to clients: the last row's (time to the millisecond, id), base64url.
const encodeCursor = (r: DeadLetterRow) =>
  Buffer.from(JSON.stringify([r.at.toISOString(), r.id])).toString('base64url');

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const d = new Date(at);
    if (Number.isNaN(d.getTime()) || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id))
      throw new Error('bad cursor');
    return { at: d, id };
  } catch {
    throw errors.validation([{ path: 'query.cursor', message: 'is not a cursor this API returned' }]);
  }
}

/** Newest failure first, keyset-paged. */
export async function listFailures(
  deps: { db: Db },
  q: FailureFilter & { limit: number; cursor?: string },
): Promise<FailurePage> {
  const { cursor, limit, ...f } = q;
  const rows = await listDeadLetters(deps.db, {
    ...f,
    ...(cursor ? { before: decodeCursor(cursor) } : {}),
    limit: limit + 1,
  });
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(toView), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/**
 * Replays the dead letters the filter (and, if given, `ids`) selects, at most `limit`. With a
 * queue (the API) their jobs are enqueued at once; without (the CLI) they are due now and the
 * workers' sweeper enqueues them within SWEEP_INTERVAL_MS.
 */
export async function replayFailures(
  deps: { db: Db; now: () => Date; queue?: JobQueue },
  q: FailureFilter & { ids?: string[]; dryRun?: boolean; limit: number },
): Promise<ReplayResult> {
  const filter: DeadLetterFilter = { ...q, limit: q.limit };
  const rows = await listDeadLetters(deps.db, filter);
  const skipped: ReplayResult['skipped'] = [];
  const found = new Set(rows.map((r) => r.id));
  for (const id of q.ids ?? [])
    if (!found.has(id))
      skipped.push({
        kind: null,
        id,
        reason: 'not a dead letter matching the filter (written, waiting for a try, or unknown)',
      });
  const superseded = await supersededWrites(
    deps.db,
    rows.filter((r) => r.kind === 'writeback').map((r) => r.id),
  );
  const todo = rows.filter((r) => {
    const why = superseded.get(r.id);
    if (why) skipped.push({ kind: r.kind, id: r.id, reason: why });
    return !why;
  });
  if (q.dryRun) return { dryRun: true, replayed: todo.map((r) => ({ kind: r.kind, id: r.id })), skipped };

  const replayed: ReplayResult['replayed'] = [];
  const now = deps.now();
  for (const kind of ['route', 'writeback', 'notify'] as const) {
    const ids = todo.filter((r) => r.kind === kind).map((r) => r.id);
    const revived = new Set(await reviveDeadLetters(deps.db, kind, ids, now));
    for (const id of ids) {
      if (revived.has(id)) replayed.push({ kind, id });
      else skipped.push({ kind, id, reason: 'no longer a dead letter (replayed meanwhile)' });
    }
  }
  // The row is due now whatever happens here: a lost enqueue only waits for the next sweep.
  if (deps.queue) await Promise.all(replayed.map((r) => enqueueTry(deps.queue!, r.kind, r.id, 0).catch(() => {})));
  return { dryRun: false, replayed, skipped };
}
