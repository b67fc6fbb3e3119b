// What a routing decision adds for the reports (lead_reports, docs/reports.md) and whether it may
// be written to the CRM at all (shadow mode, docs/shadow-mode.md). Pure.
import type { CrmName, Lead } from '../lead/index.js';
import type { RoutingConfig } from '../routing/index.js';
import { resolveOwner } from './owners.js';

export type WriteMode = 'live' | 'shadow';

/** The config document's `connectors` section: each CRM connector's mode. */
export type ConnectorModes = Partial<Record<'hubspot' | 'salesforce', { mode: WriteMode }>>;

/**
 * Shadow when the lead's connector or its pool says so: a pool marked live cannot make a shadow
 * connector write, so switching a connector to shadow is one switch that stops every write.
 */
export function writeModeOf(
  connectors: ConnectorModes | undefined,
  config: RoutingConfig,
  crm: string,
  poolId: string | null | undefined,
): WriteMode {
  const connector = crm === 'hubspot' || crm === 'salesforce' ? connectors?.[crm]?.mode : undefined;
  if (connector === 'shadow') return 'shadow';
  const pool = poolId ? config.pools.find((p) => p.id === poolId) : undefined;
  return pool?.mode ?? 'live';
}

/** The lead_reports columns a routing batch writes with each assignment. */
export function reportFacts(
  config: RoutingConfig,
  mode: WriteMode,
  ev: { id: string; crm: string; source: string },
  lead: Lead,
) {
  // In shadow mode an owner already on the record when we read it was set by the CRM's own
  // process (its assignment rules ran first): that is its answer, kept beside ours.
  const crmOwner = mode === 'shadow' ? (lead.currentOwnerId ?? null) : null;
  return {
    eventId: ev.id,
    mode,
    source: lead.leadSource ?? ev.source,
    crmCreatedAt: lead.createdAt ?? null,
    crmSetOwnerId: crmOwner,
    crmSetRepId: crmOwner ? resolveOwner(config, ev.crm as CrmName, crmOwner).repId : null,
  };
}
