// Route preview: who would get these leads, under the active config, a stored draft or an
// inline document, right now. The leads are API-shaped leads from the request (mapped through
// the config's api/lead mapping), or the last N stored leads (their stored canonical lead,
// re-routed as is: nothing is copied or kept).
// Contract: it writes nothing. Routing state is read once in a read-only snapshot, and each
// decision's state change is applied to an in-memory copy before the next lead, so a batch of
// 10 leads into a round-robin pool of 3 previews the rotation it would really produce. For a
// draft, the same leads also run against the active config (from its own copy of the state),
// and each lead says whether its owner would change.
import { parseConfigDocument, type ConfigDocument } from '../config/index.js';
import { getConfigDraft, listRecentLeads, readRoutingState } from '../db/index.js';
import { errors, type FieldIssue } from '../errors.js';
import type { Lead } from '../lead/index.js';
import { applyMapping, type MappingWarning } from '../mapping/index.js';
import { planLeadAssigned, planSlaWarning } from '../notify/index.js';
import { decide, stateKeys, type Decision, type Reason, type RoutingState } from '../routing/index.js';
import { slaTimerSpec } from '../sync/index.js';
import type { PipelineDeps } from './deps.js';
import { accountOptions } from './account-lookup.js';
import { applyToState } from '../routing/index.js';

/** Leads come in the POST /v1/leads `lead` shape and go through the config's own api/lead mapping. */
export const previewMappingKey = 'api/lead';

export interface PreviewInput {
  /** API-shaped leads (as POST /v1/leads takes them), routed in this order. */
  leads?: Array<Record<string, unknown> & { externalId?: string }>;
  /** Instead of `leads`: the last N stored leads, routed oldest first. */
  recent?: number;
  /** An inline config document; absent (and no draftId): the active config. */
  config?: unknown;
  /** A stored draft (POST /v1/admin/config/drafts) to preview instead of an inline document. */
  draftId?: string;
  /** The moment to route at (working hours, caps); default: now. */
  at?: Date;
}

/** The part of a decision a preview shows: no state change, no trace. */
export interface DecisionSummary {
  kind: Decision['kind'];
  ownerId?: string;
  ownerKind?: 'rep' | 'queue';
  crmOwnerId?: string;
  poolId?: string;
  ruleId?: string;
  code: string;
  queuedUntil?: string;
  reasons: Reason[];
}

export interface PreviewResult {
  index: number;
  externalId?: string;
  /** `recent` previews: the stored lead, and who owns it now. */
  leadId?: string;
  storedOwnerRepId?: string | null;
  decision: DecisionSummary;
  mappingWarnings: MappingWarning[];
  /** The notifications the assignment would send (docs/notifications.md), rendered with the config's templates. */
  notifications?: NotificationPreview[];
  /** Draft previews only: the active config's decision for the same lead, and whether the owner differs. */
  active?: DecisionSummary;
  changed?: boolean;
}

export interface NotificationPreview {
  event: string;
  channel: string;
  target: string;
  subject: string;
  text: string;
  /** When it would go, if not at once (quiet hours, an SLA warning's time). */
  notBefore?: string;
}

export interface PreviewOutput {
  at: string;
  config: { kind: 'active'; version: number } | { kind: 'draft'; comparedWithVersion: number; draftId?: string };
  results: PreviewResult[];
  summary: {
    leads: number;
    assigned: number;
    unassigned: number;
    queued: number;
    skipped: number;
    byOwner: Record<string, number>;
    changed?: number;
  };
}

/** A lead ready to route: what the request or the store gave, and how to make it canonical under a config. */
interface PreviewLead {
  shown: Pick<PreviewResult, 'externalId' | 'leadId' | 'storedOwnerRepId'>;
  toLead(doc: ConfigDocument, index: number): { lead: Lead; warnings: MappingWarning[] };
}

export async function previewRoutes(deps: PipelineDeps, input: PreviewInput): Promise<PreviewOutput> {
  const active = await deps.configs.get();
  const draft =
    input.draftId !== undefined
      ? await loadDraft(deps, input.draftId)
      : input.config === undefined
        ? undefined
        : parseDraft(input.config);
  const now = input.at ?? deps.now();
  const used = draft ?? active.doc;
  const leads = input.recent !== undefined ? await storedLeads(deps, input.recent) : apiLeads(input.leads ?? []);
  if (input.recent === undefined && !used.mappings[previewMappingKey]) {
    const path =
      input.config !== undefined ? `body.config.mappings["${previewMappingKey}"]` : `mappings["${previewMappingKey}"]`;
    const whose =
      input.draftId !== undefined ? `draft ${input.draftId}` : draft ? 'the draft' : `active config v${active.version}`;
    throw errors.configInvalid([{ path, message: `${whose} has no mapping for API leads, which preview needs` }]);
  }

  // One snapshot covering both configs' keys, so the comparison starts from the same state.
  const keysUsed = stateKeys(used.routing, now);
  const keysActive = draft ? stateKeys(active.doc.routing, now) : keysUsed;
  const snapshot = await readRoutingState(deps.db, {
    pools: [...new Set([...keysUsed.pools, ...keysActive.pools])],
    counters: [...new Set([...keysUsed.counters, ...keysActive.counters])],
  });

  const results = runAll(deps, leads, used, structuredClone(snapshot), now).map((r, index) => ({ index, ...r }));
  if (draft) {
    const canRun = input.recent !== undefined || active.doc.mappings[previewMappingKey] !== undefined;
    const baseline = canRun ? runAll(deps, leads, active.doc, structuredClone(snapshot), now) : [];
    results.forEach((r, i) => {
      const before = baseline[i]?.decision;
      r.active = before;
      r.changed = !before || ownerOf(before) !== ownerOf(r.decision);
    });
  }
  return {
    at: now.toISOString(),
    config: draft
      ? {
          kind: 'draft',
          comparedWithVersion: active.version,
          ...(input.draftId !== undefined && { draftId: input.draftId }),
        }
      : { kind: 'active', version: active.version },
    results,
    summary: summarise(results, draft !== undefined),
  };
}

function apiLeads(leads: NonNullable<PreviewInput['leads']>): PreviewLead[] {
  return leads.map((input, i) => {
    const { externalId, ...fields } = input;
    return {
      shown: externalId ? { externalId } : {},
      toLead: (doc) =>
        applyMapping(
          { ref: { crm: 'api', objectType: 'lead', id: externalId ?? `preview-${i + 1}` }, fields },
          doc.mappings[previewMappingKey]!,
        ),
    };
  });
}

/** The last `count` stored leads, oldest first: the order they arrived in is the order rotation saw them. */
async function storedLeads(deps: PipelineDeps, count: number): Promise<PreviewLead[]> {
  const rows = (await listRecentLeads(deps.db, count)).reverse();
  return rows.map((row) => ({
    shown: { leadId: row.id, storedOwnerRepId: row.ownerRepId },
    // leads.data is the canonical lead routing stored (leadSchema-parsed when it was mapped).
    toLead: () => ({ lead: row.data as Lead, warnings: [] }),
  }));
}

function parseDraft(config: unknown): ConfigDocument {
  const parsed = parseConfigDocument(config);
  if (parsed.ok) return parsed.doc;
  // Paths name the request field, as every other 4xx does: body.config.routing.rules[id=r1].action.pool
  throw errors.configInvalid(
    parsed.errors.map((e): FieldIssue => ({
      path:
        e.path === '(root)' ? 'body.config' : e.path.startsWith('[') ? `body.config${e.path}` : `body.config.${e.path}`,
      message: e.message,
    })),
  );
}

async function loadDraft(deps: PipelineDeps, id: string): Promise<ConfigDocument> {
  const row = await getConfigDraft(deps.db, id);
  if (!row) throw errors.notFound(`draft ${id}`);
  const parsed = parseConfigDocument(row.document);
  // A draft may be invalid while it is edited; its errors use the document's own paths, as the draft's validate does.
  if (!parsed.ok) throw errors.configInvalid(parsed.errors);
  return parsed.doc;
}

function runAll(
  deps: PipelineDeps,
  leads: PreviewLead[],
  doc: ConfigDocument,
  state: RoutingState,
  now: Date,
): Array<Omit<PreviewResult, 'index'>> {
  return leads.map((item, i) => {
    const { lead, warnings } = item.toLead(doc, i);
    const decision = decide(lead, doc.routing, state, now, accountOptions(deps.accounts, lead, doc.routing));
    applyToState(state, decision.stateChange);
    const notifications = previewNotifications(doc, lead, decision, now, `preview-${i + 1}`);
    return {
      ...item.shown,
      decision: summaryOf(decision),
      mappingWarnings: warnings,
      ...(notifications.length > 0 && { notifications }),
    };
  });
}

/** What the assignment would say, to whom: the same planners routing uses, nothing stored or sent. */
function previewNotifications(
  doc: ConfigDocument,
  lead: Lead,
  d: Decision,
  now: Date,
  key: string,
): NotificationPreview[] {
  if (!doc.notifications || d.kind !== 'assigned') return [];
  const due = slaTimerSpec(doc.routing, d, now);
  const planned = [
    ...planLeadAssigned(doc, { eventId: key, lead, decision: d, receivedAt: now }, now),
    ...(due ? planSlaWarning(doc, { key, lead, repId: due.repId, poolId: due.poolId, dueAt: due.dueAt }, now) : []),
  ];
  return planned.map((p) => ({
    event: p.event,
    channel: p.channel,
    target: p.target,
    subject: p.subject,
    text: p.body,
    ...(p.notBefore && { notBefore: p.notBefore.toISOString() }),
  }));
}

function summaryOf(d: Decision): DecisionSummary {
  const base = { kind: d.kind, poolId: d.poolId, ruleId: d.ruleId, code: d.code, reasons: d.reasons };
  if (d.kind === 'assigned') return { ...base, ownerId: d.ownerId, ownerKind: d.ownerKind, crmOwnerId: d.crmOwnerId };
  if (d.kind === 'queued') return { ...base, queuedUntil: d.queuedUntil };
  return base;
}

/** Who ends up with the lead: an owner, or the outcome when nobody does. */
const ownerOf = (d: DecisionSummary) => (d.kind === 'assigned' ? `${d.ownerKind}:${d.ownerId}` : `${d.kind}:${d.code}`);

function summarise(results: PreviewResult[], draft: boolean): PreviewOutput['summary'] {
  const byOwner: Record<string, number> = {};
  const count = { assigned: 0, unassigned: 0, queued: 0, skipped: 0 };
  for (const r of results) {
    count[r.decision.kind]++;
    if (r.decision.ownerId) byOwner[r.decision.ownerId] = (byOwner[r.decision.ownerId] ?? 0) + 1;
  }
  return {
    leads: results.length,
    ...count,
    byOwner,
    ...(draft ? { changed: results.filter((r) => r.changed).length } : {}),
  };
}
