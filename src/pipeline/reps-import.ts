// Reps from the CRM (docs/accounts.md "Reps from the CRM"): the CRMs' users (listOwners) are
// proposed as reps, one person per email across CRMs (so a rep gets both CRM ids), merged into the
// active config's reps as a draft an admin reviews and publishes. A config rep whose CRM user is
// deactivated is marked away in the availability overlay at once, without a publish.
import type { CrmConnector, CrmOwner, ListOwnersOptions } from '../connector.js';
import { insertConfigDraft, type Db } from '../db/index.js';
import type { CrmName } from '../lead/index.js';
import {
  activeConfigReps,
  listEveryCrm,
  markCrmUserDeactivated,
  type ConfigRep,
  type OwnerLists,
} from './crm-users.js';

export type { OwnerLists } from './crm-users.js';

export interface ProposedRep {
  id: string;
  name?: string;
  email: string;
  crmIds: Partial<Record<CrmName, string>>;
  /** Active in every CRM that has the person. */
  active: boolean;
  /** The config rep this person already is (by email or a CRM id), if any. */
  existing?: string;
}

const slug = (email: string) =>
  email
    .split('@')[0]!
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'rep';

/** Pure: CRM users (not queues) with an email, one proposal per email, matched to config reps. */
export function proposeReps(
  owners: Partial<Record<CrmName, readonly CrmOwner[]>>,
  reps: readonly ConfigRep[],
): ProposedRep[] {
  const byEmail = new Map<string, ProposedRep>();
  for (const [crm, list] of Object.entries(owners) as Array<[CrmName, readonly CrmOwner[]]>) {
    for (const o of list) {
      if (o.kind !== 'user' || !o.email) continue;
      const email = o.email.trim().toLowerCase();
      const p = byEmail.get(email) ?? { id: '', email, crmIds: {}, active: true };
      p.crmIds[crm] = o.id;
      p.active &&= o.active;
      if (!p.name && o.name) p.name = o.name;
      byEmail.set(email, p);
    }
  }
  const taken = new Set(reps.map((r) => r.id));
  return [...byEmail.values()]
    .sort((a, b) => a.email.localeCompare(b.email))
    .map((p) => {
      const match = reps.find(
        (r) =>
          r.email?.toLowerCase() === p.email ||
          (Object.entries(p.crmIds) as Array<[CrmName, string]>).some(([crm, id]) => r.crmIds?.[crm] === id),
      );
      if (match) return { ...p, id: match.id, existing: match.id };
      let id = slug(p.email);
      for (let n = 2; taken.has(id); n++) id = `${slug(p.email)}-${n}`;
      taken.add(id);
      return { ...p, id };
    });
}

export interface RepsImport {
  proposals: ProposedRep[];
  draftId: string;
  /** Config reps marked away because their CRM user is deactivated. */
  markedAway: string[];
}

/**
 * Every configured CRM's users, deactivated ones included (what reps import lists). The periodic
 * check passes `{ background: true, usersOnly: true }`: it waits behind owner writes, and skips queues.
 */
export function ownerListsOf(
  connectors: Partial<Record<CrmName, Pick<CrmConnector, 'listOwners'>>>,
  opts: Omit<ListOwnersOptions, 'includeInactive'> = {},
): OwnerLists {
  const lists: OwnerLists = {};
  for (const crm of ['hubspot', 'salesforce'] as const) {
    const c = connectors[crm];
    if (c) lists[crm] = () => c.listOwners({ includeInactive: true, ...opts });
  }
  return lists;
}

/** The proposal alone, changing nothing (GET /v1/admin/reps/import): the CRMs' users against the active config's reps. */
export async function previewRepsImport(deps: { db: Db }, listOwners: OwnerLists) {
  const owners = await listEveryCrm(listOwners);
  const { active, doc, reps } = await activeConfigReps(deps.db);
  return { active, doc, reps, proposals: proposeReps(owners, reps) };
}

export async function importReps(
  deps: { db: Db; now: () => Date },
  opts: { author: string; listOwners: OwnerLists },
): Promise<RepsImport> {
  const { active, doc, reps, proposals } = await previewRepsImport(deps, opts.listOwners);
  const merged: ConfigRep[] = reps.map((r) => {
    const p = proposals.find((x) => x.existing === r.id);
    return p ? { ...r, crmIds: { ...p.crmIds, ...r.crmIds }, ...(r.email ? {} : { email: p.email }) } : r;
  });
  for (const p of proposals)
    if (!p.existing)
      merged.push({ id: p.id, ...(p.name && { name: p.name }), email: p.email, crmIds: p.crmIds, active: p.active });
  const draft = await insertConfigDraft(deps.db, {
    name: `reps from the CRM (${deps.now().toISOString().slice(0, 10)})`,
    document: { ...doc, routing: { ...doc.routing, reps: merged } },
    baseVersion: active?.version ?? null,
    author: opts.author,
  });
  const markedAway: string[] = [];
  for (const p of proposals) {
    if (!p.existing || p.active) continue;
    if (await markCrmUserDeactivated(deps, p.existing, Object.keys(p.crmIds), opts.author)) markedAway.push(p.existing);
  }
  return { proposals, draftId: draft.id, markedAway };
}
