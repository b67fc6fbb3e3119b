import { describe, expect, it } from 'vitest';
import { parseChangeEvent } from '../../../../connectors/salesforce/index.js';
import { AppError } from '../../../../src/errors.js';
import { fixtureJson } from './helpers.js';

describe('salesforce change events (pure)', () => {
  it('maps CREATE to created with flattened compound fields', () => {
    const r = parseChangeEvent(fixtureJson('change-events/lead-create.json'));
    expect(r.replayId).toBe(18210);
    expect(r.events).toEqual([
      {
        kind: 'created',
        sourceEventId: '0001a3c5-9001-7c11-0a2b-33e4d5f6a7b8:1:00Q5g00000LmNoQEAV',
        record: { crm: 'salesforce', objectType: 'Lead', id: '00Q5g00000LmNoQEAV' },
        occurredAt: '2025-07-15T21:11:40.000Z',
        fields: expect.objectContaining({
          FirstName: 'Jane',
          LastName: 'Doe',
          Company: 'Globex',
          OwnerId: '0055g000003QrStAAK',
        }),
      },
    ]);
  });

  it('maps an UPDATE of OwnerId to ownerChanged with the header fields sync needs', () => {
    const r = parseChangeEvent(fixtureJson('change-events/lead-owner-change.json'));
    expect(r.events).toEqual([
      {
        kind: 'ownerChanged',
        sourceEventId: '0001a3c5-8f41-6e2b-93d7-5a1c0e7f2b10:1:00Q5g00000LmNoPEAV',
        record: { crm: 'salesforce', objectType: 'Lead', id: '00Q5g00000LmNoPEAV' },
        occurredAt: new Date(1752613930000).toISOString(),
        newOwnerId: '0055g000003QrStAAK',
        changedBy: '0055g000003QrSuAAK',
        changeSource: 'com/salesforce/api/rest/60.0;client=lead-router',
        transactionKey: '0001a3c5-8f41-6e2b-93d7-5a1c0e7f2b10',
      },
    ]);
  });

  it('emits one event per record of a merged change and skips updates that leave the owner alone', () => {
    const msg = fixtureJson<{ payload: { ChangeEventHeader: Record<string, unknown> } }>(
      'change-events/lead-owner-change.json',
    );
    msg.payload.ChangeEventHeader['recordIds'] = ['00Q5g00000LmNoPEAV', '00Q5g00000LmNoQEAV'];
    expect(parseChangeEvent(msg).events.map((e) => e.record.id)).toEqual(['00Q5g00000LmNoPEAV', '00Q5g00000LmNoQEAV']);
    msg.payload.ChangeEventHeader['changedFields'] = ['Status', 'LastModifiedDate'];
    expect(parseChangeEvent(msg)).toMatchObject({ events: [], skipped: 'UPDATE without an owner change' });
  });

  it('rejects a message without a header, naming the path', () => {
    try {
      parseChangeEvent({ payload: {}, event: { replayId: 1 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).details?.errors).toEqual([{ path: 'payload.ChangeEventHeader', message: 'is required' }]);
    }
  });
});
