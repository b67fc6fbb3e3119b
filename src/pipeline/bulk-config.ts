// Which config a reroute decides with (`--config active | draft | draft:<id>`, docs/bulk.md), and
// which leads it takes. A job stores the reference, not the document: a resumed job decides
// with the reference as it reads then (the active version at resume, the draft as edited).
import { parseConfigDocument, type ConfigDocument } from '../config/index.js';
import { getConfigDraft, listConfigDrafts, type SliceQuery } from '../db/index.js';
import { parseLeadFilter, type LeadFilter } from '../bulk/index.js';
import { errors } from '../errors.js';
import type { RoutingConfig } from '../routing/index.js';
import { excludeReps, revertReasonCode } from '../sync/index.js';
import type { PipelineDeps } from './deps.js';

export interface RerouteRequest {
  /** The filter (docs/bulk.md grammar); empty = every open lead. */
  where?: string | undefined;
  /** A rep who leaves: their open leads, decided with them taken out of every pool. */
  fromRep?: string | undefined;
  /** active (default), draft (the draft edited last) or draft:<id>. */
  config?: string | undefined;
  /** Only leads nobody claimed yet. */
  onlyUnworked?: boolean | undefined;
}

export interface RerouteConfig {
  /** What the job says it used: `active v3`, `draft <id> (on v3)`. */
  label: string;
  /** Recorded on the assignments: the active version, or the version the draft started from. */
  version: number;
  doc: ConfigDocument;
  /** The config the leads are decided with (the leaving rep made inactive). */
  routing: RoutingConfig;
}

const draftRef = /^draft:([0-9a-f-]{36})$/i;

export async function resolveRerouteConfig(deps: PipelineDeps, req: RerouteRequest): Promise<RerouteConfig> {
  const ref = req.config ?? 'active';
  let label: string;
  let version: number;
  let doc: ConfigDocument;
  if (ref === 'active') {
    const active = await deps.configs.get();
    ({ version, doc } = active);
    label = `active v${version}`;
  } else if (ref === 'draft' || draftRef.test(ref)) {
    const id = draftRef.exec(ref)?.[1] ?? (await listConfigDrafts(deps.db, 1))[0]?.id;
    const draft = id ? await getConfigDraft(deps.db, id) : undefined;
    if (!draft)
      throw errors.notFoundAt(
        'config',
        id ? `config draft ${id} was not found` : 'there is no config draft (POST /v1/admin/config/drafts makes one)',
      );
    const parsed = parseConfigDocument(draft.document);
    if (!parsed.ok) throw errors.configInvalid(parsed.errors.map((e) => ({ ...e, path: `draft.${e.path}` })));
    doc = parsed.doc;
    version = draft.baseVersion ?? (await deps.configs.get()).version;
    label = `draft ${draft.id} (on v${version})`;
  } else throw errors.validation([{ path: 'config', message: `use active, draft or draft:<id>, got "${ref}"` }]);
  let routing = doc.routing;
  if (req.fromRep !== undefined) {
    if (!routing.reps.some((r) => r.id === req.fromRep))
      throw errors.notFoundAt('fromRep', `rep "${req.fromRep}" is not in the ${label} config`);
    routing = excludeReps(routing, [req.fromRep]);
  }
  return { label, version, doc, routing };
}

/** The slice: the filter, and for a leaving rep, their leads. Throws BULK_FILTER_INVALID first. */
export function rerouteSlice(req: RerouteRequest, now: Date): SliceQuery {
  const parsed = parseLeadFilter(req.where ?? '');
  const filter: LeadFilter = req.fromRep
    ? { conditions: [...parsed.conditions, { field: 'owner', negate: false, values: [req.fromRep] }] }
    : parsed;
  return { filter, now, onlyUnworked: req.onlyUnworked === true, revertReasonCode };
}
