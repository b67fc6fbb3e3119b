// Polling fallback for orgs without Change Data Capture (or while CometD is down):
//   SELECT ... FROM <obj> WHERE SystemModstamp > <watermark - overlap> ORDER BY SystemModstamp, Id
// - CreatedDate after the watermark -> 'created' (sourceEventId poll:<obj>:<id>:created);
// - otherwise the record changed -> 'ownerChanged' reporting its current owner. Polling cannot see
//   which field changed; sync/ treats an owner equal to the ledger's as a no-op.
// - The overlap re-reads the last minute on every poll, because a transaction can commit after
//   a later-stamped one was already read; re-read records produce the same sourceEventIds.
// - The watermark (max SystemModstamp seen) is stored only after onEvents resolved.
import type { InboundEvent } from '../../src/connector.js';
import { callApi, type ApiContext } from './api-context.js';
import { checkName, fieldsOf, queryAll, selectList, soqlDateTime, type SoqlRecord } from './soql.js';

export interface WatermarkStore {
  /** ISO 8601 timestamp of the newest SystemModstamp already delivered for the object type. */
  get(objectType: string): Promise<string | undefined>;
  set(objectType: string, watermark: string): Promise<void>;
}

export interface PollerOptions {
  watermarkStore: WatermarkStore;
  onEvents: (events: InboundEvent[]) => Promise<void>;
  /** Extra fields to carry on 'created' events (what the mapping needs). */
  fields?: string[];
  intervalMs?: number;
  overlapMs?: number;
  /** How far back the first poll looks when the store is empty. Default 1 hour. */
  initialLookbackMs?: number;
  onError?: (err: Error) => void;
}

export interface Poller {
  /** One pass over every object type; resolves with the number of events delivered. */
  pollOnce(): Promise<number>;
  start(): void;
  stop(): void;
}

const BASE_FIELDS = ['OwnerId', 'CreatedDate', 'SystemModstamp', 'LastModifiedById'];

export function createPoller(ctx: ApiContext & { now: () => Date }, opts: PollerOptions): Poller {
  const intervalMs = opts.intervalMs ?? 30_000;
  const overlapMs = opts.overlapMs ?? 60_000;
  const lookbackMs = opts.initialLookbackMs ?? 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const pollObject = async (objectType: string): Promise<number> => {
    const obj = checkName(objectType, 'objectType');
    const stored = await opts.watermarkStore.get(obj);
    const watermark = stored ? new Date(stored) : new Date(ctx.now().getTime() - lookbackMs);
    const since = new Date(watermark.getTime() - (stored ? overlapMs : 0));
    const soql =
      `SELECT ${selectList([...BASE_FIELDS, ...(opts.fields ?? [])], 'fields')} FROM ${obj} ` +
      `WHERE SystemModstamp > ${soqlDateTime(since)} ORDER BY SystemModstamp ASC, Id ASC`;
    const rows = await callApi(ctx, `poll ${obj}`, (conn) => queryAll(conn, soql));
    if (rows.length === 0) return 0;
    const events = rows.map((r) => toEvent(obj, r, since));
    await opts.onEvents(events);
    const newest = rows
      .map((r) => String(r['SystemModstamp']))
      .reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
    if (!stored || Date.parse(newest) > Date.parse(stored))
      await opts.watermarkStore.set(obj, new Date(newest).toISOString());
    return events.length;
  };

  const pollOnce = async () => {
    let n = 0;
    for (const obj of ctx.config.objectTypes) n += await pollObject(obj);
    return n;
  };

  const tick = async () => {
    if (running) return; // a slow poll never overlaps the next one
    running = true;
    try {
      await pollOnce();
    } catch (err) {
      ctx.logger?.warn({ op: 'poll' }, (err as Error).message);
      opts.onError?.(err as Error);
    } finally {
      running = false;
      if (timer) timer = setTimeout(tick, intervalMs);
    }
  };

  return {
    pollOnce,
    start() {
      if (timer) return;
      timer = setTimeout(tick, 0);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

// Created inside the read window (overlap included) -> 'created': a late-committed new record
// must never be reported as a mere change, and a re-read one repeats the same sourceEventId.
function toEvent(objectType: string, r: SoqlRecord, since: Date): InboundEvent {
  const record = { crm: 'salesforce' as const, objectType, id: r.Id };
  const stamp = String(r['SystemModstamp']);
  const created = String(r['CreatedDate']);
  if (Date.parse(created) > since.getTime()) {
    return {
      kind: 'created',
      sourceEventId: `poll:${objectType}:${r.Id}:created`,
      record,
      occurredAt: created,
      fields: fieldsOf(r),
    };
  }
  const owner = r['OwnerId'];
  const by = r['LastModifiedById'];
  return {
    kind: 'ownerChanged',
    sourceEventId: `poll:${objectType}:${r.Id}:${stamp}`,
    record,
    occurredAt: stamp,
    newOwnerId: typeof owner === 'string' ? owner : null,
    ...(typeof by === 'string' ? { changedBy: by } : {}),
  };
}
