// parseBatch: one bad item of a HubSpot batch is refused alone, with its path; the rest are events.
import { describe, expect, it } from 'vitest';
import { aConnector } from './support.js';

const req = (body: unknown) => ({
  method: 'POST',
  url: 'https://x.test/h',
  headers: {},
  rawBody: typeof body === 'string' ? body : JSON.stringify(body),
});
const creation = (eventId: number, objectId: number, extra: object = {}) => ({
  eventId,
  subscriptionType: 'contact.creation',
  objectId,
  occurredAt: 1_700_000_000_000,
  ...extra,
});

describe('parseBatch (HubSpot webhook batches, item by item)', () => {
  it('refuses a schema-invalid item alone, naming body[i].field, and keeps what it can tell of it', () => {
    const { events, refused } = aConnector().parseBatch!(
      req([creation(1, 10), { ...creation(2, 20), occurredAt: 'yesterday' }, creation(3, 30)]),
    );
    expect(events.map((e) => e.sourceEventId)).toEqual(['1', '3']);
    expect(refused).toEqual([
      {
        sourceEventId: '2',
        kind: 'created',
        record: { crm: 'hubspot', objectType: 'contact', id: '20' },
        errors: [{ path: 'body[1].occurredAt', message: expect.stringContaining('expected number') }],
        original: { ...creation(2, 20), occurredAt: 'yesterday' },
      },
    ]);
  });

  it('refuses an item with a NUL or a lone surrogate in any string, without quoting the value', () => {
    const nul = creation(4, 40, {
      subscriptionType: 'contact.propertyChange',
      propertyName: 'firstname',
      propertyValue: 'Ada\u0000',
    });
    const lone = creation(5, 50, { changeSource: 'CRM\ud800' });
    const { events, refused } = aConnector().parseBatch!(req([nul, creation(6, 60), lone]));
    expect(events.map((e) => e.sourceEventId)).toEqual(['6']);
    expect(refused.map((r) => [r.sourceEventId, r.kind, r.errors])).toEqual([
      [
        '4',
        'updated',
        [{ path: 'body[0].propertyValue', message: 'contains a NUL character (\\u0000), which cannot be stored' }],
      ],
      [
        '5',
        'created',
        [{ path: 'body[2].changeSource', message: 'contains a lone UTF-16 surrogate, which is not valid Unicode' }],
      ],
    ]);
  });

  it('refuses an item that is not an object, without an id (intake derives one from its content)', () => {
    const { refused } = aConnector().parseBatch!(req([42]));
    expect(refused).toEqual([
      {
        kind: 'unknown',
        record: { crm: 'hubspot', objectType: 'unknown', id: 'unknown' },
        errors: [{ path: 'body[0]', message: expect.any(String) }],
        original: 42,
      },
    ]);
  });

  it('refuses the whole body only when it is not a batch: not an array, or far more events than HubSpot sends', () => {
    expect(() => aConnector().parseBatch!(req({ eventId: 1 }))).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: { errors: [{ path: 'body', message: 'must be a JSON array of webhook events' }] },
      }),
    );
    expect(() => aConnector().parseBatch!(req(Array.from({ length: 1001 }, (_, i) => creation(i, i))))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });

  it('parseEvents stays strict: a refused item fails the batch with its path', () => {
    expect(() =>
      aConnector().parseEvents(req([creation(1, 10), { ...creation(2, 20), propertyValue: '\u0000' }])),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        details: { errors: [{ path: 'body[1].propertyValue', message: expect.any(String) }] },
      }),
    );
  });
});
