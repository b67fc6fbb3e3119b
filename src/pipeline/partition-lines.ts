// A group commit per lock partition, per process (docs/scaling.md, item 3).
// A routing batch is split by the partition its leads are decided in once their records are read
// and mapped; each part joins its partition's line. A line's transaction takes every part waiting
// in it (up to `maxLeads` leads), so one transaction holds one partition and the fixed cost (round
// trips, the statement, the commit's flush) is shared by the parts of several batches; different
// partitions' lines commit side by side, in this process and across workers. Parts join a line in
// the order their batches were formed (route-batch.ts joins them in its turn: arrival-order.ts),
// and a line takes them first in, first out; its next transaction starts only once the one before
// holds its locks (so it queues behind it on the partition's row: per partition the leads are
// decided in formation order, as one worker routing batch after batch would), and at most four are
// in flight: one holding the locks, the next ones already waiting for them in Postgres, so the lock
// passes on at the commit without a round trip through this process, as it did before the lines.
import type { RoutableLead } from '../sync/index.js';
import type { ActiveConfig } from './config-store.js';
import type { PipelineDeps } from './deps.js';
import { routeInTransaction, type Decided, type Report } from './routing-transaction.js';

/** One batch's leads of one partition, routed with its config. */
export interface PartitionPart {
  leads: RoutableLead[];
  active: ActiveConfig;
  report: Report;
}

/**
 * What the transaction gave a part: `decided` is the whole transaction's for the first part in
 * it (its batch hands the owner writes, timers and notifications over) and empty for the others;
 * `stale`: the active config moved, nothing was written for this part's leads.
 */
export interface PartResult {
  decided: Decided | undefined;
  stale: boolean;
}

interface Waiting {
  part: PartitionPart;
  resolve: (r: PartResult) => void;
  reject: (e: unknown) => void;
}

interface Line {
  waiting: Waiting[];
  /** Transactions of this line in flight. */
  inFlight: number;
  /** The last one started, and whether it holds its locks (or ended): the next may queue behind it. */
  last?: object;
  lastLocked: boolean;
}

/**
 * One holding the partition's locks, the rest queued for them in Postgres: as many as a process
 * has routing batches in flight (runtime.ts), as when each batch took the locks itself.
 */
const lineDepth = 4;

const linesOf = new WeakMap<object, Map<string, Line>>();

/**
 * Puts `part` in the line of the partition `key` (a lock key: `$routing` for a config of one
 * partition). Synchronous up to the returned promise: call it in the batch's turn.
 */
export function joinPartitionLine(
  deps: PipelineDeps,
  key: string,
  part: PartitionPart,
  maxLeads: number,
): Promise<PartResult> {
  let lines = linesOf.get(deps);
  if (!lines) linesOf.set(deps, (lines = new Map()));
  let line = lines.get(key);
  if (!line) lines.set(key, (line = { waiting: [], inFlight: 0, lastLocked: true }));
  const promise = new Promise<PartResult>((resolve, reject) => line.waiting.push({ part, resolve, reject }));
  pump(deps, lines, key, line, maxLeads);
  return promise;
}

function pump(deps: PipelineDeps, lines: Map<string, Line>, key: string, line: Line, maxLeads: number): void {
  if (!line.lastLocked || line.inFlight >= lineDepth || line.waiting.length === 0) return;
  const taken = takeParts(line.waiting, maxLeads);
  const me = {};
  line.inFlight++;
  line.last = me;
  line.lastLocked = false;
  let held = false;
  const locked = () => {
    if (held) return;
    held = true;
    if (line.last === me) line.lastLocked = true;
    pump(deps, lines, key, line, maxLeads);
  };
  void commitParts(deps, taken, locked).finally(() => {
    line.inFlight--;
    locked();
    if (line.inFlight === 0 && line.waiting.length === 0) lines.delete(key);
    else pump(deps, lines, key, line, maxLeads);
  });
}

/**
 * The parts the next transaction takes, from the head: the first always, then the following
 * while they route with the same config version and the leads stay within `maxLeads`.
 */
function takeParts(waiting: Waiting[], maxLeads: number): Waiting[] {
  const first = waiting[0]!;
  let n = 1;
  let leads = first.part.leads.length;
  while (n < waiting.length) {
    const next = waiting[n]!.part;
    if (next.active.version !== first.part.active.version || leads + next.leads.length > maxLeads) break;
    leads += next.leads.length;
    n++;
  }
  return waiting.splice(0, n);
}

async function commitParts(deps: PipelineDeps, taken: Waiting[], onLocked: () => void): Promise<void> {
  // A lead in two parts (a waiting lead two batches both took) is routed once, where it came first.
  const seen = new Set<string>();
  const leads: RoutableLead[] = [];
  for (const { part } of taken)
    for (const r of part.leads)
      if (!seen.has(r.ev.id)) {
        seen.add(r.ev.id);
        leads.push(r);
      }
  // Each batch reports only its own events' outcomes (the others' are not in its map).
  const report: Report = (id, r) => {
    for (const { part } of taken) part.report(id, r);
  };
  try {
    const out = await routeInTransaction(deps, leads, taken[0]!.part.active, report, onLocked);
    taken.forEach((w, i) => w.resolve({ decided: i === 0 ? out.decided : undefined, stale: out.stale }));
  } catch (err) {
    for (const w of taken) w.reject(err);
  }
}
