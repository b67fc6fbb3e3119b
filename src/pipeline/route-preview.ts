// Route preview: who would get these leads, under the active config or a draft, right now.
// Contract: it writes nothing. Routing state is read once in a read-only snapshot, and each
// decision's state change is applied to an in-memory copy before the next lead, so a batch of
// 10 leads into a round-robin pool of 3 previews the rotation it would really produce. For a
// draft, the same leads also run against the active config (from its own copy of the state),
// and each lead says whether its owner would change.
import { parseConfigDocument, type ConfigDocument } from '../config/index.js';
import { readRoutingState } from '../db/index.js';
import { errors, type FieldIssue } from '../errors.js';
import { applyMapping, type MappingWarning } from '../mapping/index.js';
import { decide, stateKeys, type Decision, type Reason, type RoutingState } from '../routing/index.js';
import type { PipelineDeps } from './deps.js';
import { applyToState } from './state-change.js';

/** Leads come in the POST /v1/leads `lead` shape and go through the config's own api/lead mapping. */
export const previewMappingKey = 'api/lead';

export interface PreviewInput {
  /** API-shaped leads (as POST /v1/leads takes them), routed in this order. */
  leads: Array<Record<string, unknown> & { externalId?: string }>;
  /** A draft config document; absent: the active config. */
  config?: unknown;
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
  decision: DecisionSummary;
  mappingWarnings: MappingWarning[];
  /** Draft previews only: the active config's decision for the same lead, and whether the owner differs. */
  active?: DecisionSummary;
  changed?: boolean;
}

export interface PreviewOutput {
  at: string;
  config: { kind: 'active'; version: number } | { kind: 'draft'; comparedWithVersion: number };
  results: PreviewResult[];
  summary: { leads: number; assigned: number; unassigned: number; queued: number; byOwner: Record<string, number>; changed?: number };
}

export async function previewRoutes(deps: PipelineDeps, input: PreviewInput): Promise<PreviewOutput> {
  const active = await deps.configs.get();
  const draft = input.config === undefined ? undefined : parseDraft(input.config);
  const now = input.at ?? deps.now();
  const used = draft ?? active.doc;
  if (!used.mappings[previewMappingKey]) {
    const path = draft ? `body.config.mappings["${previewMappingKey}"]` : `mappings["${previewMappingKey}"]`;
    throw errors.configInvalid([{ path, message: `${draft ? 'the draft' : `active config v${active.version}`} has no mapping for API leads, which preview needs` }]);
  }

  // One snapshot covering both configs' keys, so the comparison starts from the same state.
  const keysUsed = stateKeys(used.routing, now);
  const keysActive = draft ? stateKeys(active.doc.routing, now) : keysUsed;
  const snapshot = await readRoutingState(deps.db, {
    pools: [...new Set([...keysUsed.pools, ...keysActive.pools])],
    counters: [...new Set([...keysUsed.counters, ...keysActive.counters])],
  });

  const results = runAll(input.leads, used, structuredClone(snapshot), now).map((r, index) => ({ index, ...r }));
  if (draft) {
    const baseline = active.doc.mappings[previewMappingKey] ? runAll(input.leads, active.doc, structuredClone(snapshot), now) : [];
    results.forEach((r, i) => {
      const before = baseline[i]?.decision;
      r.active = before;
      r.changed = !before || ownerOf(before) !== ownerOf(r.decision);
    });
  }
  return {
    at: now.toISOString(),
    config: draft ? { kind: 'draft', comparedWithVersion: active.version } : { kind: 'active', version: active.version },
    results,
    summary: summarise(results, draft !== undefined),
  };
}

function parseDraft(config: unknown): ConfigDocument {
  const parsed = parseConfigDocument(config);
  if (parsed.ok) return parsed.doc;
  // Paths name the request field, as every other 4xx does: body.config.routing.rules[0].action.pool
  throw errors.configInvalid(parsed.errors.map((e): FieldIssue => ({ path: e.path === '(root)' ? 'body.config' : `body.config.${e.path}`, message: e.message })));
}

function runAll(leads: PreviewInput['leads'], doc: ConfigDocument, state: RoutingState, now: Date): Array<Omit<PreviewResult, 'index'>> {
  const mapping = doc.mappings[previewMappingKey]!;
  return leads.map((input, i) => {
    const { externalId, ...fields } = input;
    const { lead, warnings } = applyMapping({ ref: { crm: 'api', objectType: 'lead', id: externalId ?? `preview-${i + 1}` }, fields }, mapping);
    const decision = decide(lead, doc.routing, state, now);
    applyToState(state, decision.stateChange);
    return { ...(externalId ? { externalId } : {}), decision: summaryOf(decision), mappingWarnings: warnings };
  });
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
  const count = { assigned: 0, unassigned: 0, queued: 0 };
  for (const r of results) {
    count[r.decision.kind]++;
    if (r.decision.ownerId) byOwner[r.decision.ownerId] = (byOwner[r.decision.ownerId] ?? 0) + 1;
  }
  return { leads: results.length, ...count, byOwner, ...(draft ? { changed: results.filter((r) => r.changed).length } : {}) };
}
