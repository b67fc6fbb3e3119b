import { describe, expect, it } from 'vitest';
import { aConnector, fixture } from './support.js';

const req = (body: unknown) => ({
  method: 'POST',
  url: 'https://x.test/h',
  headers: {},
  rawBody: typeof body === 'string' ? body : JSON.stringify(body),
});
const parse = (name: string, connector = aConnector()) => connector.parseEvents(req(fixture(`webhooks/${name}.json`)));
const at = (ms: number) => new Date(ms).toISOString();

describe('parseEvents (HubSpot webhook batches)', () => {
  it('contact.creation -> created', () => {
    expect(parse('contact-creation')).toEqual([
      {
        kind: 'created',
        sourceEventId: '1001',
        record: { crm: 'hubspot', objectType: 'contact', id: '5001' },
        occurredAt: at(1772445600000),
      },
    ]);
  });

  it('hubspot_owner_id change -> ownerChanged with changeSource and sourceId (echo detection)', () => {
    expect(parse('owner-changed-by-integration')).toEqual([
      {
        kind: 'ownerChanged',
        sourceEventId: '1002',
        record: { crm: 'hubspot', objectType: 'contact', id: '5001' },
        occurredAt: at(1772445605000),
        newOwnerId: '41629779',
        changeSource: 'INTEGRATION',
        sourceId: '1160452',
        changedBy: '1160452',
      },
    ]);
    expect(parse('owner-changed-by-user')[0]).toMatchObject({
      kind: 'ownerChanged',
      newOwnerId: '41629780',
      changeSource: 'CRM_UI',
      sourceId: 'userId:9586504',
    });
  });

  it('an owner cleared in HubSpot (empty value) -> newOwnerId null', () => {
    expect(parse('owner-cleared')[0]).toMatchObject({ kind: 'ownerChanged', newOwnerId: null });
  });

  it('any other propertyChange -> updated with the field and its value', () => {
    expect(parse('property-change')).toEqual([
      {
        kind: 'updated',
        sourceEventId: '1005',
        record: { crm: 'hubspot', objectType: 'contact', id: '5001' },
        occurredAt: at(1772445620000),
        changedFields: ['country'],
        fields: { country: 'Germany' },
      },
    ]);
  });

  it('object.creation -> created only for object types the config names', () => {
    expect(parse('object-creation-lead')).toEqual([]);
    expect(parse('object-creation-lead', aConnector({ objectTypes: ['contact', 'lead'] }))).toEqual([
      {
        kind: 'created',
        sourceEventId: '1006',
        record: { crm: 'hubspot', objectType: 'lead', id: '7001' },
        occurredAt: at(1772445625000),
      },
    ]);
  });

  it('skips subscription types and object types we do not route, keeps the rest in order', () => {
    const events = parse('mixed-batch');
    expect(events.map((e) => [e.kind, e.sourceEventId, e.record.id])).toEqual([
      ['created', '2001', '5002'],
      ['created', '2004', '5004'],
      ['ownerChanged', '2005', '5002'],
    ]);
    expect(events[1]!.record.objectType).toBe('contact');
  });

  it('a malformed batch -> VALIDATION_FAILED naming each bad path', () => {
    let err: { code?: string; status?: number; details?: { errors?: Array<{ path: string }> } } | undefined;
    try {
      parse('malformed-missing-object-id');
    } catch (e) {
      err = e as typeof err;
    }
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(err!.details!.errors!.map((e) => e.path).sort()).toEqual(['body[0].objectId', 'body[1].occurredAt']);
  });

  it('a propertyChange without propertyName, or object.creation without objectTypeId -> VALIDATION_FAILED', () => {
    const base = { eventId: 1, objectId: 5, occurredAt: 1 };
    const body = [
      { ...base, subscriptionType: 'contact.propertyChange' },
      { ...base, subscriptionType: 'object.creation' },
    ];
    expect(() => aConnector().parseEvents(req(body))).toThrow(
      expect.objectContaining({
        details: {
          errors: [
            expect.objectContaining({ path: 'body[0].propertyName' }),
            expect.objectContaining({ path: 'body[1].objectTypeId' }),
          ],
        },
      }),
    );
  });

  it('a body that is not an array -> VALIDATION_FAILED at body', () => {
    expect(() => aConnector().parseEvents(req({ eventId: 1 }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });

  it('a body that is not JSON -> MALFORMED_JSON', () => {
    expect(() => aConnector().parseEvents(req('[{"eventId": 1,'))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_JSON' }),
    );
  });
});
