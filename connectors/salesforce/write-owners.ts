// Owner write-back through sObject Collections:
//   PATCH /services/data/vXX.X/composite/sobjects  { allOrNone: false, records: [...] }
// Contract:
// - up to 200 records per call (the collections limit); larger batches are split;
// - allOrNone:false, so one bad record never rolls back the others; results come back in
//   request order and are matched to writes by position, then reported by writeId;
// - a record is { attributes, id, ...extraFields, OwnerId }: extraFields verbatim (the reason field
//   the config's mapping names, checked against describe at publish; nothing when it names none),
//   since an org refuses a field it lacks (INVALID_FIELD) for that whole record;
// - Sforce-Auto-Assign: FALSE on every call: without it Salesforce runs the org's lead assignment
//   rules on the update and can overwrite the owner we just chose;
// - Sforce-Call-Options: client=<callOptionsClient> comes from the connection (jsforce lets a
//   connection-level callOptions override a per-request header), so CDC changeOrigin names us;
// - transient failures (UNABLE_TO_LOCK_ROW, 5xx, timeouts, resets) are retried here with backoff,
//   only for the records that hit them, up to config.maxRetries (callApi does not retry this call
//   itself, so attempts do not multiply); everything else is returned as is, once: a definitive
//   refusal (INVALID_FIELD, an invalid owner, a validation rule) as retryable:false with
//   Salesforce's reason, a rate limit or refused credentials as retryable for the durable layer.
import type { OwnerWrite, WriteResult } from '../../src/connector.js';
import { backoffMs, callApi, failureOf, type ApiContext } from './api-context.js';
import { classifyRecordError } from './classify-error.js';
import { scrubSecrets } from './secret.js';

export const WRITE_CHUNK = 200;

interface SaveResult {
  id?: string;
  success: boolean;
  errors?: Array<{ statusCode?: string; message?: string; fields?: string[] }>;
}

export async function writeOwners(ctx: ApiContext, writes: readonly OwnerWrite[]): Promise<WriteResult[]> {
  const results = new Map<string, WriteResult>();
  for (let i = 0; i < writes.length; i += WRITE_CHUNK) {
    await writeChunk(ctx, writes.slice(i, i + WRITE_CHUNK), results);
  }
  return writes.map((w) => results.get(w.writeId)!);
}

async function writeChunk(ctx: ApiContext, chunk: readonly OwnerWrite[], results: Map<string, WriteResult>) {
  // Same-type records contiguous: Salesforce processes a collection in at most 10 type chunks.
  let pending = [...chunk].sort((a, b) =>
    a.ref.objectType < b.ref.objectType ? -1 : a.ref.objectType > b.ref.objectType ? 1 : 0,
  );
  for (let attempt = 0; ; attempt++) {
    const outcome = await sendOnce(ctx, pending);
    const again = outcome.filter(
      (r): r is Extract<WriteResult, { ok: false }> => !r.ok && r.retryable && r.code === 'CRM_TEMPORARY',
    );
    if (again.length === 0 || attempt >= ctx.config.maxRetries) {
      for (const r of outcome) results.set(r.writeId, r);
      return;
    }
    for (const r of outcome) if (!again.some((a) => a === r)) results.set(r.writeId, r);
    const retryIds = new Set(again.map((r) => r.writeId));
    ctx.logger?.info(
      { op: 'update owners', attempt: attempt + 1, retrying: retryIds.size },
      'retrying transient Salesforce write failures',
    );
    const retryAfterMs = Math.max(0, ...again.map((r) => r.retryAfterMs ?? 0));
    await ctx.sleep(backoffMs(ctx, attempt, retryAfterMs > 0 ? retryAfterMs : undefined));
    pending = pending.filter((w) => retryIds.has(w.writeId));
  }
}

async function sendOnce(ctx: ApiContext, writes: readonly OwnerWrite[]): Promise<WriteResult[]> {
  const body = {
    allOrNone: false,
    records: writes.map((w) => ({
      attributes: { type: w.ref.objectType },
      id: w.ref.id,
      ...w.extraFields,
      OwnerId: w.ownerId,
    })),
  };
  try {
    const saved = await callApi(
      ctx,
      'update owners',
      (conn) =>
        conn.request<SaveResult[]>({
          method: 'PATCH',
          url: '/composite/sobjects',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json', 'Sforce-Auto-Assign': 'FALSE' },
        }),
      { retries: 0 },
    );
    return writes.map((w, i) => toWriteResult(ctx, w, saved[i]));
  } catch (err) {
    // The whole call failed (HTTP error, network, budget): every record shares the outcome.
    const f = failureOf(ctx, 'update owners', err);
    return writes.map((w) => ({ writeId: w.writeId, ok: false as const, ...f }));
  }
}

function toWriteResult(ctx: ApiContext, w: OwnerWrite, r: SaveResult | undefined): WriteResult {
  if (r?.success) return { writeId: w.writeId, ok: true };
  if (!r) {
    return {
      writeId: w.writeId,
      ok: false,
      code: 'CRM_TEMPORARY',
      message: 'Salesforce returned no result for this record',
      retryable: true,
    };
  }
  const first = r.errors?.[0];
  const f = classifyRecordError(
    first?.statusCode ?? 'UNKNOWN_EXCEPTION',
    first?.message ?? 'no error detail',
    ctx.config,
  );
  return { writeId: w.writeId, ok: false, ...f, message: scrubSecrets(f.message, ctx.secrets()) };
}
