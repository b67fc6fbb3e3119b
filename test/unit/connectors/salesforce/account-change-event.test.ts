import { describe, expect, it } from 'vitest';
import { parseAccountChangeEvent } from '../../../../connectors/salesforce/index.js';
import { AppError } from '../../../../src/errors.js';

const message = (changeType: string, recordIds: string[], entityName = 'Account') => ({
  schema: 'acct-schema',
  payload: {
    ChangeEventHeader: {
      entityName,
      recordIds,
      changeType,
      changeOrigin: '',
      transactionKey: '0002b4d6-0000-0000-0000-000000000001',
      sequenceNumber: 1,
      commitTimestamp: 1752613930000,
      commitNumber: 1,
      commitUser: '0055g000003QrSuAAK',
      changedFields: changeType === 'UPDATE' ? ['OwnerId', 'LastModifiedDate'] : [],
    },
    ...(changeType === 'UPDATE' ? { OwnerId: '0055g000003QrStAAK' } : {}),
  },
  event: { replayId: 4242 },
});
const A = '0015g00000AcmeAAAA';
const B = '0015g00000BetaAAAA';

describe('AccountChangeEvent -> account changes (pure)', () => {
  it.each([
    ['CREATE', [{ accountId: A, kind: 'changed' }], false],
    ['UPDATE', [{ accountId: A, kind: 'changed' }], false],
    ['UNDELETE', [{ accountId: A, kind: 'changed' }], false],
    ['DELETE', [{ accountId: A, kind: 'deleted' }], false],
    // Gap events carry no field values: every id is re-read, and a deleted one is then found absent.
    ['GAP_CREATE', [{ accountId: A, kind: 'changed' }], false],
    ['GAP_UPDATE', [{ accountId: A, kind: 'changed' }], false],
    ['GAP_DELETE', [{ accountId: A, kind: 'changed' }], false],
    ['GAP_UNDELETE', [{ accountId: A, kind: 'changed' }], false],
    ['GAP_OVERFLOW', [{ accountId: A, kind: 'changed' }], true],
  ])('%s', (changeType, changes, resync) => {
    expect(parseAccountChangeEvent(message(changeType, [A]))).toEqual({ replayId: 4242, changes, resync });
  });

  it('a merged event names several accounts; each is re-read', () => {
    expect(parseAccountChangeEvent(message('UPDATE', [A, B])).changes).toEqual([
      { accountId: A, kind: 'changed' },
      { accountId: B, kind: 'changed' },
    ]);
  });

  it('an overflow without ids, or a wildcard id, asks for a sync instead', () => {
    expect(parseAccountChangeEvent(message('GAP_OVERFLOW', []))).toEqual({ replayId: 4242, changes: [], resync: true });
    expect(parseAccountChangeEvent(message('UPDATE', ['001*']))).toEqual({ replayId: 4242, changes: [], resync: true });
  });

  it('another entity or an unknown change type is skipped with the reason', () => {
    expect(parseAccountChangeEvent(message('UPDATE', [A], 'Lead'))).toMatchObject({
      changes: [],
      skipped: 'Lead event',
    });
    expect(parseAccountChangeEvent(message('RENAME', [A]))).toMatchObject({
      changes: [],
      skipped: 'unknown change type RENAME',
    });
  });

  it('a message without a header or replay id is refused with the path', () => {
    const bad = (data: unknown) => {
      try {
        parseAccountChangeEvent(data);
      } catch (err) {
        return (err as AppError).details?.errors;
      }
      return 'accepted';
    };
    expect(bad({ payload: message('UPDATE', [A]).payload })).toEqual([
      { path: 'event.replayId', message: 'must be a number' },
    ]);
    expect(bad({ event: { replayId: 1 }, payload: {} })).toEqual([
      { path: 'payload.ChangeEventHeader', message: 'is required' },
    ]);
  });
});
