// Owner write-back: one WriteResult per OwnerWrite, in input order, never a throw for a record's
// own failure. Contract with the outbox: ok:true means HubSpot holds the owner now; ok:false says
// whether retrying can help (CRM_NOT_FOUND and CRM_REJECTED cannot).
// - Batch update, at most 100 inputs, one input per record id per batch (HubSpot rejects a batch
//   naming an id twice); a second write for the same record goes in a later batch, in order.
// - objectWriteTraceId = writeId, so a 207's per-record errors map back to our writes by trace id
//   or by context.ids.
// - A batch-level rejection (400/404) of several inputs is ambiguous, so each input is re-sent
//   alone: one bad owner id must not fail 99 good writes.
// - Retryable per-record errors in a 207 are retried per record (bounded by maxRetries). 429/5xx
//   of a whole batch were already retried by the request runner.
import type { OwnerWrite, WriteResult } from '../../src/connector.js';
import { classifyBatchError, classifyError, type CrmFailure } from './classify-error.js';
import type { HubSpotApis } from './client.js';
import { batchLimit } from './fetch-records.js';
import { apiObjectType, canonicalObjectType, isContact } from './object-types.js';
import { ownerProperty } from './parse-events.js';
import type { Clock } from './rate-limit.js';
import { backoffMs, type CallHubSpot } from './request.js';
import { redact, type Secret } from './secret.js';

export interface WriteOwnersDeps {
  apis: HubSpotApis;
  call: CallHubSpot;
  clock: Clock;
  random: () => number;
  maxRetries: number;
  retryBaseDelayMs: number;
  /** Secrets to redact from the messages in WriteResults. */
  secrets: () => Secret[];
}

interface BatchError {
  category?: string;
  message?: string;
  context?: Record<string, string[] | undefined>;
}

export async function writeOwners(deps: WriteOwnersDeps, writes: OwnerWrite[]): Promise<WriteResult[]> {
  const results = new Map<string, WriteResult>();
  const multiStatus = new Set<string>();
  for (const batch of planBatches(writes)) {
    for (const [id, r] of await sendBatch(deps, batch, multiStatus)) results.set(id, r);
  }
  // Per-record retry, only of what a 207 called retryable: a whole batch's 429/5xx was already
  // retried by the request runner, and retrying it again here would square the attempts. A write
  // followed by a later one for the same record is not retried: it would undo the newer owner.
  const lastFor = new Map(writes.map((w) => [`${canonicalObjectType(w.ref.objectType)}/${w.ref.id}`, w.writeId]));
  for (const w of writes) {
    if (lastFor.get(`${canonicalObjectType(w.ref.objectType)}/${w.ref.id}`) !== w.writeId) continue;
    for (let round = 0; round < deps.maxRetries; round++) {
      const r = results.get(w.writeId);
      if (!r || r.ok || !r.retryable || !multiStatus.has(w.writeId)) break;
      multiStatus.delete(w.writeId);
      await deps.clock.sleep(r.retryAfterMs ?? backoffMs(round, deps));
      const again = (await sendBatch(deps, [w], multiStatus)).get(w.writeId);
      if (again) results.set(w.writeId, again);
    }
  }
  return writes.map(
    (w) => results.get(w.writeId) ?? fail(deps, w, { code: 'CRM_TEMPORARY', retryable: true, message: 'not sent' }),
  );
}

function planBatches(writes: OwnerWrite[]): OwnerWrite[][] {
  const batches: Array<{ type: string; ids: Set<string>; writes: OwnerWrite[] }> = [];
  for (const w of writes) {
    const type = canonicalObjectType(w.ref.objectType);
    const b = batches.find((x) => x.type === type && x.writes.length < batchLimit && !x.ids.has(w.ref.id));
    if (b) {
      b.ids.add(w.ref.id);
      b.writes.push(w);
    } else {
      batches.push({ type, ids: new Set([w.ref.id]), writes: [w] });
    }
  }
  return batches.map((b) => b.writes);
}

/** Sends one batch; adds to `multiStatus` the writes that failed inside a 207 (not the whole call). */
async function sendBatch(
  deps: WriteOwnersDeps,
  batch: OwnerWrite[],
  multiStatus: Set<string>,
): Promise<Map<string, WriteResult>> {
  const type = canonicalObjectType(batch[0]!.ref.objectType);
  const body = {
    inputs: batch.map((w) => ({ id: w.ref.id, properties: propertiesFor(w), objectWriteTraceId: w.writeId })),
  };
  const what = `set owner on ${batch.length} ${type}`;
  let res: { httpStatusCode: number; data: { results: Array<{ id: string }>; errors?: BatchError[] } };
  try {
    res = isContact(type)
      ? await deps.call(what, () => deps.apis.contactsBatch.updateWithHttpInfo(body))
      : await deps.call(what, () => deps.apis.objectsBatch.updateWithHttpInfo(apiObjectType(type), body));
  } catch (e) {
    const f = classifyError(e, deps.clock.now());
    if (batch.length > 1 && !f.retryable && (f.code === 'CRM_REJECTED' || f.code === 'CRM_NOT_FOUND')) {
      const isolated = new Map<string, WriteResult>();
      for (const w of batch) for (const [id, r] of await sendBatch(deps, [w], multiStatus)) isolated.set(id, r);
      return isolated;
    }
    return new Map(batch.map((w) => [w.writeId, fail(deps, w, f)]));
  }

  const failures = new Map<string, CrmFailure>();
  const unattributed: CrmFailure[] = [];
  for (const err of res.data.errors ?? []) {
    const f = classifyBatchError(err);
    const ids = new Set(err.context?.ids ?? []);
    const traces = new Set(err.context?.objectWriteTraceId ?? []);
    const hit = batch.filter((w) => ids.has(w.ref.id) || traces.has(w.writeId));
    if (hit.length === 0) unattributed.push(f);
    for (const w of hit) {
      failures.set(w.writeId, f);
      multiStatus.add(w.writeId);
    }
  }
  const written = new Set(res.data.results.map((r) => r.id));
  return new Map(
    batch.map((w): [string, WriteResult] => {
      const f = failures.get(w.writeId);
      if (f) return [w.writeId, fail(deps, w, f)];
      if (written.has(w.ref.id) || res.httpStatusCode === 200) return [w.writeId, { writeId: w.writeId, ok: true }];
      // A 207 that neither lists the record nor names it in an error: HubSpot does this for ids
      // that do not exist (hubspot-api.md §2), unless an unattributed error says otherwise.
      return [
        w.writeId,
        fail(
          deps,
          w,
          unattributed[0] ?? {
            code: 'CRM_NOT_FOUND',
            retryable: false,
            message: 'HubSpot reported neither a result nor an error for this record',
          },
        ),
      ];
    }),
  );
}

/** extraFields verbatim (property names the config's mapping chose, checked at publish), then the owner. */
function propertiesFor(w: OwnerWrite): Record<string, string> {
  return { ...w.extraFields, [ownerProperty]: w.ownerId };
}

function fail(deps: Pick<WriteOwnersDeps, 'secrets'>, w: OwnerWrite, f: CrmFailure): WriteResult {
  return {
    writeId: w.writeId,
    ok: false,
    code: f.code,
    message: redact(f.message, deps.secrets()),
    retryable: f.retryable,
    ...(f.retryAfterMs !== undefined && { retryAfterMs: f.retryAfterMs }),
  };
}
