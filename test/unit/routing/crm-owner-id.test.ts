// One spelling of a rep's (or CRM queue's) owner id, in one order: the admin's explicit crmIds
// entry first, our own id only for API leads without one. SLA escalation once checked the other
// way round (our id first for API leads), so an escalated API lead could get a different owner id
// than routing gives the same rep, one sync could not map back.
import { describe, expect, it } from 'vitest';
import { crmOwnerIdOf } from '../../../src/routing/index.js';
import { findRepByCrmId } from '../../../src/sync/index.js';
import { aConfig, aQueue, aRep } from '../../builders/index.js';

describe('crmOwnerIdOf', () => {
  const withApiId = aRep({ id: 'mgr', crmIds: { hubspot: '501', api: 'mgr@acme.example' } });
  const plain = aRep({ id: 'ana', crmIds: { hubspot: '502' } });

  it('takes the explicit crmIds entry, also for API leads', () => {
    expect(crmOwnerIdOf(withApiId, 'hubspot')).toBe('501');
    expect(crmOwnerIdOf(withApiId, 'api')).toBe('mgr@acme.example');
  });

  it('falls back to our id for API leads only', () => {
    expect(crmOwnerIdOf(plain, 'api')).toBe('ana');
    expect(crmOwnerIdOf(plain, 'salesforce')).toBeUndefined();
    expect(crmOwnerIdOf(aQueue('triage', {}), 'api')).toBe('triage');
    expect(crmOwnerIdOf(aQueue('triage', { salesforce: '00G1' }), 'salesforce')).toBe('00G1');
  });

  it('is what sync maps back to the same rep', () => {
    const config = aConfig({ reps: [withApiId, plain] });
    for (const crm of ['hubspot', 'api'] as const) {
      for (const rep of [withApiId, plain]) {
        const id = crmOwnerIdOf(rep, crm);
        if (id !== undefined) expect(findRepByCrmId(config, crm, id)?.id, `${rep.id} on ${crm}`).toBe(rep.id);
      }
    }
  });
});
