// The owner write after routing: tried at once by the worker that routed the lead; a retryable
// CRM failure becomes a write-back job with backoff; a permanent refusal is stored, not retried.
import { expect, it } from 'vitest';
import type { OwnerWrite, WriteResult } from '../../src/connector.js';
import { apiWriteDouble } from '../support/crm-double.js';
import { leadBody, testApiKey, useTestSystem } from '../support/system.js';
import { until } from '../support/until.js';

const calls: string[][] = [];
// Answers per record id, in order; the contract's result shapes, as a CRM connector returns them.
const script = new Map<string, Array<'ok' | 'busy' | 'rejected'>>();

const connector = apiWriteDouble(async (writes: OwnerWrite[]) => {
  calls.push(writes.map((w) => w.ref.id));
  return writes.map((w): WriteResult => {
    const next = script.get(w.ref.id)?.shift() ?? 'ok';
    if (next === 'busy')
      return {
        writeId: w.writeId,
        ok: false,
        code: 'CRM_TEMPORARY',
        message: 'UNABLE_TO_LOCK_ROW',
        retryable: true,
        retryAfterMs: 10,
      };
    if (next === 'rejected')
      return {
        writeId: w.writeId,
        ok: false,
        code: 'CRM_REJECTED',
        message: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: Owner must be in EMEA',
        retryable: false,
      };
    return { writeId: w.writeId, ok: true };
  });
});

const sys = useTestSystem(() => ({ working: true, migrate: true, connectors: { api: connector } }));

const post = (key: string) =>
  sys.app.inject({ method: 'POST', url: '/v1/leads', headers: { 'x-api-key': testApiKey }, payload: leadBody(key) });
const outboxOf = async (key: string) =>
  (
    await sys.sql.rows<{ status: string; attempts: number; last_error: string | null }>(
      `select status, attempts, last_error from outbox where record_id = $1`,
      [key],
    )
  )[0];

it('retries a write the CRM could not take yet, and writes it once', async () => {
  script.set('busy-00001', ['busy', 'busy']);
  expect((await post('busy-00001')).statusCode).toBe(202);
  await until(async () => (await outboxOf('busy-00001'))?.status === 'done', {
    what: 'the write to succeed on its third try',
  });
  expect(calls.filter((c) => c.includes('busy-00001'))).toHaveLength(3);
  expect(await outboxOf('busy-00001')).toEqual({ status: 'done', attempts: 3, last_error: null });
});

it('stores a permanent refusal with its reason and never retries it', async () => {
  script.set('rejected-01', ['rejected']);
  expect((await post('rejected-01')).statusCode).toBe(202);
  await until(async () => (await outboxOf('rejected-01'))?.status === 'failed', { what: 'the refusal to be stored' });
  expect(await outboxOf('rejected-01')).toEqual({
    status: 'failed',
    attempts: 1,
    last_error: 'CRM_REJECTED: FIELD_CUSTOM_VALIDATION_EXCEPTION: Owner must be in EMEA',
  });
  // A sweep later, it is still one call: failed rows are not pending.
  await sys.rt.deps.queue.enqueue(
    'writeback',
    {
      v: 1,
      outboxId: (await sys.sql.rows<{ id: string }>(`select id from outbox where record_id = 'rejected-01'`))[0]!.id,
    },
    { jobId: 'again' },
  );
  await new Promise((r) => setTimeout(r, 300));
  expect(calls.filter((c) => c.includes('rejected-01'))).toHaveLength(1);
});
