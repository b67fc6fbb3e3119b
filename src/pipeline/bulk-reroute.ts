// Reroute a slice of leads (docs/bulk.md). The contract:
// - the same path as routing: decide() with the chosen config, under the routing lock, the
//   routing state read after it; an assignment and an outbox row per moved lead, written by the
//   routing batch's own statement, owners written back by the write-back workers (rate limits,
//   retries, dead letters as for any owner write); counters move as in rerouteLead (bulk/);
// - a dry run reads a snapshot and writes nothing, not even a job row;
// - a real run freezes the slice as job items, then moves them a chunk per transaction: an item
//   leaves 'pending' in the transaction that moves its lead, and each move hangs off an inbound
//   event unique per (job, lead), so a job killed at any point and resumed moves nothing twice;
// - a cancel (admin API) is seen between chunks: what moved stays moved, the rest stays pending.
import {
  createRerouteJob,
  finishBulkJob,
  finishRerouteItems,
  getBulkJob,
  addBulkJobProgress,
  insertInboundEvents,
  listSliceLeads,
  loadRoutingStateForUpdate,
  lockPendingRerouteItems,
  readRoutingState,
  resumeBulkJob,
  writeRoutingBatch,
  type BulkJobRow,
  type FinishedItem,
  type SliceLead,
} from '../db/index.js';
import { formatLeadFilter, planTally, rerouteLead, type PlanSummary, type RerouteStep } from '../bulk/index.js';
import { errors } from '../errors.js';
import type { Lead } from '../lead/index.js';
import { ownerWriteFields } from '../mapping/index.js';
import { applyToState, mergeStateChanges, stateKeys } from '../routing/index.js';
import { slaTimerSpec } from '../sync/index.js';
import { rerouteSlice, resolveRerouteConfig, type RerouteConfig, type RerouteRequest } from './bulk-config.js';
import type { PipelineDeps } from './deps.js';
import { handOverWrites } from './hand-over.js';
import { routingLockKey } from './routing-lock.js';
import { scheduleSlaTimers } from './sla-timers.js';

export type { RerouteRequest } from './bulk-config.js';

/** Leads per transaction: the routing lock is held for one chunk, so intake's routing waits at most that long. */
export const rerouteChunkSize = 1000;

export interface ReroutePlan {
  config: string;
  where: string;
  onlyUnworked: boolean;
  fromRep?: string;
  summary: PlanSummary;
}

const stepFor = (l: SliceLead, c: RerouteConfig, state: Parameters<typeof rerouteLead>[2], now: Date): RerouteStep =>
  rerouteLead({ lead: l.data as Lead, ownerRepId: l.ownerRepId, crmOwnerId: l.crmOwnerId }, c.routing, state, now);

/** The dry run: who would go to whom, decided one lead after the other on an in-memory copy of the state. Writes nothing. */
export async function planReroute(deps: PipelineDeps, req: RerouteRequest): Promise<ReroutePlan> {
  const now = deps.now();
  const slice = rerouteSlice(req, now);
  const config = await resolveRerouteConfig(deps, req);
  const state = await readRoutingState(deps.db, stateKeys(config.routing, now));
  const tally = planTally();
  for (let afterId: string | undefined; ;) {
    const page = await listSliceLeads(deps.db, slice, { limit: 1000, ...(afterId && { afterId }) });
    if (page.length === 0) break;
    for (const l of page) {
      const step = stepFor(l, config, state, now);
      applyToState(state, step.stateChange);
      tally.add(step.outcome, l.ownerRepId, step.outcome === 'moved' ? step.toRepId : l.ownerRepId);
    }
    afterId = page[page.length - 1]!.id;
  }
  return { ...describe(req, slice, config), summary: tally.summary() };
}

function describe(req: RerouteRequest, slice: ReturnType<typeof rerouteSlice>, config: RerouteConfig) {
  return {
    config: config.label,
    where: formatLeadFilter(slice.filter),
    onlyUnworked: slice.onlyUnworked,
    ...(req.fromRep !== undefined && { fromRep: req.fromRep }),
  };
}

/** A real run's job: the slice frozen as items. Nothing moves until runReroute. */
export async function startReroute(
  deps: PipelineDeps,
  req: RerouteRequest,
  createdBy: string,
): Promise<{ job: BulkJobRow; total: number }> {
  const now = deps.now();
  const slice = rerouteSlice(req, now);
  const config = await resolveRerouteConfig(deps, req);
  const params = { ...describe(req, slice, config), configRef: req.config ?? 'active' };
  return createRerouteJob(deps.db, { params, createdBy, slice });
}

interface StoredParams {
  configRef: string;
  fromRep?: string;
}

/**
 * Moves the job's pending items, a chunk per transaction, until none is left or a cancel is
 * asked. Safe to call again on a job whose process died: it carries on where the items stand.
 */
export async function runReroute(
  deps: PipelineDeps,
  jobId: string,
  opts: { chunkSize?: number; onProgress?: (job: BulkJobRow) => void | Promise<void> } = {},
): Promise<BulkJobRow> {
  let job = await getBulkJob(deps.db, jobId);
  if (!job || job.kind !== 'reroute') throw errors.notFoundAt('jobId', `reroute job ${jobId} was not found`);
  if (job.status === 'done' || job.status === 'cancelled') return job;
  if (job.status !== 'running') await resumeBulkJob(deps.db, jobId, deps.now());
  const params = job.params as StoredParams;
  const config = await resolveRerouteConfig(deps, { config: params.configRef, fromRep: params.fromRep });
  // The previous chunk's hand-over to the write-back queue, awaited before the next one's.
  let handingOver = Promise.resolve();
  try {
    for (;;) {
      job = (await getBulkJob(deps.db, jobId))!;
      if (job.cancelRequestedAt) {
        await finishBulkJob(deps.db, jobId, 'cancelled', deps.now());
        break;
      }
      const chunk = await rerouteChunk(deps, jobId, config, opts.chunkSize ?? rerouteChunkSize);
      await handingOver;
      handingOver = chunk.handOver;
      if (chunk.n === 0) {
        await finishBulkJob(deps.db, jobId, 'done', deps.now());
        break;
      }
      if (chunk.job) await opts.onProgress?.(chunk.job);
    }
  } catch (err) {
    await handingOver;
    // Items already moved stay moved; `reroute --resume <id>` carries on from the pending ones.
    await finishBulkJob(deps.db, jobId, 'failed', deps.now());
    await addBulkJobProgress(deps.db, jobId, {
      counts: {},
      errors: [{ reason: (err as Error).message }],
      now: deps.now(),
    });
    throw err;
  }
  await handingOver;
  return (await getBulkJob(deps.db, jobId))!;
}

/** One transaction: the routing lock, then the next pending items and their leads; answers how many items it settled. */
async function rerouteChunk(
  deps: PipelineDeps,
  jobId: string,
  config: RerouteConfig,
  limit: number,
): Promise<{ n: number; job?: BulkJobRow; handOver: Promise<void> }> {
  const now = deps.now();
  const { routing, doc, version } = config;
  const t0 = performance.now();
  const marks: Record<string, number> = {};
  const mark = (name: string) => (marks[name] = Math.round(performance.now() - t0));
  const done = await deps.db.transaction(async (tx) => {
    const keys = stateKeys(routing, now);
    const state = await loadRoutingStateForUpdate(tx, {
      pools: [routingLockKey, ...keys.pools],
      counters: keys.counters,
    });
    const leads = await lockPendingRerouteItems(tx, jobId, limit);
    mark('locked');
    const items: FinishedItem[] = [];
    const moves: Array<{ l: SliceLead; step: Extract<RerouteStep, { outcome: 'moved' }> }> = [];
    const kept: RerouteStep[] = [];
    const counts = { moved: 0, kept: 0, unplaced: 0, skipped: 0 };
    for (const l of leads) {
      const step: RerouteStep | undefined = l.closedAt ? undefined : stepFor(l, config, state, now);
      const status = step?.outcome ?? 'skipped';
      counts[status]++;
      if (step) applyToState(state, step.stateChange);
      if (step?.outcome === 'moved') moves.push({ l, step });
      else {
        if (step) kept.push(step);
        items.push({ leadId: l.id, status, fromRepId: l.ownerRepId, toRepId: l.ownerRepId, eventId: null });
      }
    }
    mark('decided');
    // The trigger each move hangs off: unique per (job, lead), a second guard against moving twice.
    const events = await insertInboundEvents(
      tx,
      moves.map(({ l, step }) => ({
        source: 'bulk',
        sourceEventId: `${jobId}:${l.id}`,
        kind: 'reroute',
        crm: l.crm,
        objectType: l.objectType,
        recordId: l.recordId,
        payload: { jobId, leadId: l.id, fromRepId: l.ownerRepId, toRepId: step.toRepId },
      })),
    );
    const eventOf = new Map(events.map((e) => [e.sourceEventId, e.id]));
    const placed = moves.flatMap((m) => {
      const eventId = eventOf.get(`${jobId}:${m.l.id}`);
      return eventId ? [{ ...m, eventId }] : [];
    });
    mark('events');
    const record = (l: SliceLead) => ({ crm: l.crm, objectType: l.objectType, recordId: l.recordId });
    const written = await writeRoutingBatch(
      tx,
      {
        leads: placed.map(({ l, step }) => ({
          ...record(l),
          data: l.data,
          ownerRepId: step.toRepId,
          crmOwnerId: step.decision.crmOwnerId,
        })),
        assignments: placed.map(({ l, step: { decision: d }, eventId }) => ({
          eventId,
          ...record(l),
          outcome: d.kind,
          repId: d.ownerKind === 'rep' ? d.ownerId : null,
          crmOwnerId: d.crmOwnerId,
          poolId: d.poolId ?? null,
          ruleId: d.ruleId,
          reasonCode: d.code,
          decision: { ...d, bulk: { jobId, config: config.label, fromRepId: l.ownerRepId } },
          configVersion: version,
        })),
        outbox: placed.map(({ l, step: { decision: d }, eventId }) => ({
          eventId,
          ownerId: d.crmOwnerId,
          extraFields: ownerWriteFields(doc.mappings, l, `reroute: ${d.ruleId}: ${d.code}`),
        })),
        reassignedEventIds: placed.map((p) => p.eventId),
        timers: placed.flatMap(({ step, eventId }) => {
          const t = slaTimerSpec(routing, step.decision, now);
          return t ? [{ eventId, poolId: t.poolId, repId: t.repId, dueAt: t.dueAt, reassignments: 0 }] : [];
        }),
        ...(({ cursors, counterDeltas }) => ({ cursors, counterDeltas }))(
          // Kept leads turn the rotation too (bulk/reroute-step.ts): every change of the chunk is stored.
          mergeStateChanges([...kept, ...placed.map((p) => p.step)].map((c) => c.stateChange)),
        ),
        doneEventIds: placed.map((p) => p.eventId),
        queued: [],
        // A bulk move does not message each rep (docs/bulk.md): thousands of DMs for one admin action.
        notifications: [],
      },
      now,
    );
    mark('written');
    for (const { l, step, eventId } of placed)
      items.push({ leadId: l.id, status: 'moved', fromRepId: l.ownerRepId, toRepId: step.toRepId, eventId });
    const owners = placed.map(({ l, step }) => ({
      leadId: l.id,
      repId: step.toRepId,
      crmOwnerId: step.decision.crmOwnerId,
    }));
    await finishRerouteItems(tx, jobId, items, owners, now);
    mark('items');
    const job = leads.length ? await addBulkJobProgress(tx, jobId, { counts, now }) : undefined;
    return { n: leads.length, moved: placed.length, job, ...written };
  });
  if (done.n === 0 || !done.job) return { n: 0, handOver: Promise.resolve() };
  mark('committed');
  deps.logger.info({ jobId, leads: done.n, moved: done.moved, ms: marks }, 'reroute chunk committed');
  // Not awaited here: the next chunk's transaction runs while Redis takes these (neither rejects).
  const handOver = (async () => {
    await scheduleSlaTimers(deps, done.timers);
    await handOverWrites(deps, done.outboxIds, { what: 'reroute write-back' });
  })();
  return { n: done.n, job: done.job, handOver };
}
