import { describe, expect, it } from 'vitest';
import { changeOriginClient } from '../../../connectors/salesforce/index.js';
import { classifyOwnershipChange } from '../../../src/sync/index.js';
import { at } from '../../builders/index.js';
import { aChange, aLedger, aWrite } from './helpers.js';

describe('classifyOwnershipChange: echoes by origin', () => {
  it('matches a HubSpot change whose sourceId is our app id, and names the write', () => {
    const w = aWrite({ ownerId: 'hs-ana' });
    const c = aChange({ newOwnerId: 'hs-ana', changeSource: 'INTEGRATION', sourceId: '4242', changedBy: '4242' });
    expect(classifyOwnershipChange(c, aLedger({ writes: [w], currentOwnerId: 'hs-ana' }))).toEqual({
      kind: 'echo',
      writeId: w.writeId,
      matchedBy: 'origin',
    });
  });

  it('matches by origin however late the event is (no time window, before the stale check)', () => {
    const w = aWrite({ ownerId: 'hs-ana', writtenAt: at('2026-11-25T08:00:00Z') });
    const c = aChange({
      newOwnerId: 'hs-ana',
      changeSource: 'INTEGRATION',
      sourceId: '4242',
      occurredAt: '2026-11-25T08:00:01Z',
    });
    const ledger = aLedger({ writes: [w], currentOwnerId: 'hs-bo', lastAppliedAt: at('2026-11-25T09:00:00Z') });
    expect(classifyOwnershipChange(c, ledger)).toEqual({ kind: 'echo', writeId: w.writeId, matchedBy: 'origin' });
  });

  it('does not take another app or a user (CRM_UI sourceId "userId:…") for us', () => {
    const ledger = aLedger();
    expect(classifyOwnershipChange(aChange({ changeSource: 'INTEGRATION', sourceId: '9999' }), ledger).kind).toBe(
      'manual',
    );
    expect(classifyOwnershipChange(aChange({ changeSource: 'CRM_UI', sourceId: 'userId:4242' }), ledger).kind).toBe(
      'manual',
    );
  });

  it('matches a Salesforce change event whose changeOrigin names our client id', () => {
    const w = aWrite({ ownerId: 'sf-ana' });
    const c = aChange({
      crm: 'salesforce',
      newOwnerId: 'sf-ana',
      changeSource: 'com/salesforce/api/rest/60.0;client=lead-router',
      changedBy: '005X',
      transactionKey: 'tx-1',
    });
    expect(classifyOwnershipChange(c, aLedger({ writes: [w], currentOwnerId: 'sf-ana' }))).toEqual({
      kind: 'echo',
      writeId: w.writeId,
      matchedBy: 'origin',
    });
  });

  it('reads the client id whole and exactly (no prefix or substring matches)', () => {
    expect(changeOriginClient('com/salesforce/api/soap/49.0;client=Astro')).toBe('Astro');
    expect(changeOriginClient('com/salesforce/api/rest/49.0;client=sfdx toolbelt')).toBe('sfdx toolbelt');
    expect(changeOriginClient('com/salesforce/api/rest/56.0')).toBeUndefined();
    const ledger = aLedger({ currentOwnerId: 'sf-ana' });
    for (const origin of [
      'com/salesforce/api/rest/60.0;client=lead-router-staging',
      'com/salesforce/api/rest/60.0',
      'com/salesforce/api/rest/60.0;client=sfdx toolbelt',
    ]) {
      expect(
        classifyOwnershipChange(aChange({ crm: 'salesforce', newOwnerId: 'sf-bo', changeSource: origin }), ledger).kind,
      ).toBe('manual');
    }
  });

  it('uses our integration user only when the event has no changeOrigin (outbound message, poll)', () => {
    const ledger = aLedger({ currentOwnerId: 'sf-ana' });
    const outbound = aChange({ crm: 'salesforce', newOwnerId: 'sf-bo', changedBy: '005INTEGRATION' });
    expect(classifyOwnershipChange(outbound, ledger)).toEqual({ kind: 'echo', writeId: null, matchedBy: 'origin' });
    const otherClientSameUser = aChange({
      crm: 'salesforce',
      newOwnerId: 'sf-bo',
      changedBy: '005INTEGRATION',
      changeSource: 'com/salesforce/api/rest/60.0;client=dataloader',
    });
    expect(classifyOwnershipChange(otherClientSameUser, ledger).kind).toBe('manual');
  });

  it('is still an echo, with no write named, when our integration set an owner we have no write for', () => {
    const c = aChange({ newOwnerId: 'hs-cy', changeSource: 'INTEGRATION', sourceId: '4242' });
    expect(classifyOwnershipChange(c, aLedger({ writes: [aWrite({ ownerId: 'hs-ana' })] }))).toEqual({
      kind: 'echo',
      writeId: null,
      matchedBy: 'origin',
    });
  });

  it('prefers an unconfirmed write of that owner, then the nearest in time', () => {
    const confirmed = aWrite({
      ownerId: 'hs-ana',
      writtenAt: at('2026-11-25T10:00:29Z'),
      confirmedAt: at('2026-11-25T10:00:31Z'),
    });
    const far = aWrite({ ownerId: 'hs-ana', writtenAt: at('2026-11-25T09:00:00Z') });
    const near = aWrite({ ownerId: 'hs-ana', writtenAt: at('2026-11-25T10:00:10Z') });
    const c = aChange({ newOwnerId: 'hs-ana', sourceId: '4242' });
    expect(classifyOwnershipChange(c, aLedger({ writes: [confirmed, far, near] }))).toMatchObject({
      writeId: near.writeId,
    });
  });
});

describe('classifyOwnershipChange: echoes by value and time window', () => {
  it('matches an owner we wrote within the window when the event carries no origin', () => {
    const w = aWrite({ ownerId: 'sf-ana', writtenAt: at('2026-11-25T10:00:00Z') });
    const c = aChange({
      crm: 'salesforce',
      newOwnerId: 'sf-ana',
      changedBy: '005PERSON',
      occurredAt: '2026-11-25T10:01:30Z',
    });
    expect(classifyOwnershipChange(c, aLedger({ writes: [w], currentOwnerId: 'sf-ana' }))).toEqual({
      kind: 'echo',
      writeId: w.writeId,
      matchedBy: 'value',
    });
  });

  it('accepts a CRM commit time slightly before our writtenAt (we stamp when the CRM answered)', () => {
    const w = aWrite({ ownerId: 'hs-ana', writtenAt: at('2026-11-25T10:00:02Z'), status: 'pending' });
    const c = aChange({ newOwnerId: 'hs-ana', occurredAt: '2026-11-25T10:00:01Z' });
    expect(classifyOwnershipChange(c, aLedger({ writes: [w] }))).toMatchObject({ kind: 'echo', matchedBy: 'value' });
  });

  it('does not match outside the window, nor a write the CRM rejected, nor one already confirmed', () => {
    const ledger = (w: ReturnType<typeof aWrite>) => aLedger({ writes: [w], currentOwnerId: 'hs-bo' });
    const c = aChange({ newOwnerId: 'hs-ana', occurredAt: '2026-11-25T10:02:01Z' });
    expect(classifyOwnershipChange(c, ledger(aWrite({ ownerId: 'hs-ana' }))).kind).toBe('manual');
    expect(classifyOwnershipChange(c, ledger(aWrite({ ownerId: 'hs-ana' })), { echoWindowSeconds: 121 }).kind).toBe(
      'echo',
    );
    const inWindow = aChange({ newOwnerId: 'hs-ana', occurredAt: '2026-11-25T10:00:05Z' });
    expect(classifyOwnershipChange(inWindow, ledger(aWrite({ ownerId: 'hs-ana', status: 'failed' }))).kind).toBe(
      'manual',
    );
    expect(
      classifyOwnershipChange(inWindow, ledger(aWrite({ ownerId: 'hs-ana', confirmedAt: at('2026-11-25T10:00:03Z') })))
        .kind,
    ).toBe('manual');
  });

  it('does not match a different owner within the window', () => {
    const c = aChange({ newOwnerId: 'hs-bo', occurredAt: '2026-11-25T10:00:05Z' });
    expect(classifyOwnershipChange(c, aLedger({ writes: [aWrite({ ownerId: 'hs-ana' })] }))).toEqual({
      kind: 'manual',
      by: null,
      source: null,
    });
  });
});

describe('classifyOwnershipChange: manual, stale, noop', () => {
  it("reports a person's change with who made it and through what", () => {
    const c = aChange({ newOwnerId: 'hs-bo', changeSource: 'CRM_UI', sourceId: 'userId:77', changedBy: 'userId:77' });
    expect(classifyOwnershipChange(c, aLedger())).toEqual({ kind: 'manual', by: 'userId:77', source: 'CRM_UI' });
  });

  it('ignores an event older than the last ownership fact applied (out of order)', () => {
    const c = aChange({ newOwnerId: 'hs-cy', occurredAt: '2026-11-25T09:59:59Z' });
    expect(classifyOwnershipChange(c, aLedger())).toEqual({ kind: 'stale', lastAppliedAt: at('2026-11-25T10:00:00Z') });
  });

  it('orders two manual changes delivered newest first: the older one is stale', () => {
    const newer = aChange({ newOwnerId: 'hs-cy', occurredAt: '2026-11-25T11:00:00Z' });
    const older = aChange({ newOwnerId: 'hs-bo', occurredAt: '2026-11-25T10:30:00Z' });
    const ledger = aLedger();
    expect(classifyOwnershipChange(newer, ledger).kind).toBe('manual');
    const after = { ...ledger, currentOwnerId: 'hs-cy', lastAppliedAt: at(newer.occurredAt) };
    expect(classifyOwnershipChange(older, after).kind).toBe('stale');
  });

  it('is a noop when the owner is the one we already know and the change is not ours', () => {
    expect(classifyOwnershipChange(aChange({ newOwnerId: 'hs-ana' }), aLedger({ currentOwnerId: 'hs-ana' }))).toEqual({
      kind: 'noop',
    });
    expect(classifyOwnershipChange(aChange({ newOwnerId: null }), aLedger({ currentOwnerId: null }))).toEqual({
      kind: 'noop',
    });
  });

  it('treats a cleared owner as a manual change', () => {
    expect(classifyOwnershipChange(aChange({ newOwnerId: null, sourceId: 'userId:5' }), aLedger())).toMatchObject({
      kind: 'manual',
      by: 'userId:5',
    });
  });

  it('classifies a change on a record unknown here as manual (the caller decides to skip it)', () => {
    expect(classifyOwnershipChange(aChange(), aLedger({ currentOwnerId: undefined, lastAppliedAt: null })).kind).toBe(
      'manual',
    );
  });
});
