// GET /v1/leads: leads with their owner and current decision, newest first, one page at a time.
// The cursor is opaque to clients: base64url of the last row's position (see db/lead-list.ts).
import { listLeads, type LeadListFilter, type LeadListPosition, type LeadListRow } from '../db/index.js';
import type { PipelineDeps } from './deps.js';

export interface LeadListItem {
  id: string;
  url: string;
  source: { crm: string; objectType: string; recordId: string };
  email: string | null;
  domain: string | null;
  owner: { repId: string | null; crmOwnerId: string | null } | null;
  createdAt: string;
  /** The lead's latest decision: what pool, rule, outcome and the time filters match. */
  decision: {
    eventId: string;
    eventSource: string | null;
    receivedAt: string | null;
    routedAt: string | null;
    outcome: string;
    poolId: string | null;
    ruleId: string | null;
    reasonCode: string | null;
  } | null;
}

export interface LeadListPage {
  leads: LeadListItem[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export type { LeadListFilter };

export function encodeLeadCursor(p: LeadListPosition): string {
  return Buffer.from(JSON.stringify([p.createdAt, p.id])).toString('base64url');
}

/** The position a cursor names, or undefined when it is not one of ours. */
export function decodeLeadCursor(cursor: string): LeadListPosition | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(v) || v.length !== 2) return undefined;
    const [createdAt, id] = v as unknown[];
    if (typeof createdAt !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(createdAt))
      return undefined;
    if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))
      return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}

export async function listLeadsPage(
  deps: PipelineDeps,
  filter: LeadListFilter,
  opts: { after?: LeadListPosition; limit: number },
): Promise<LeadListPage> {
  // One row more than asked says whether another page exists, without a count.
  const rows = await listLeads(deps.db, filter, opts.after, opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    leads: page.map(toItem),
    nextCursor: rows.length > opts.limit && last ? encodeLeadCursor({ createdAt: last.position, id: last.id }) : null,
  };
}

function toItem(r: LeadListRow): LeadListItem {
  return {
    id: r.id,
    url: `/v1/leads/${r.id}`,
    source: { crm: r.crm, objectType: r.objectType, recordId: r.recordId },
    email: r.email,
    domain: r.emailDomain ?? r.websiteDomain,
    owner: r.ownerRepId || r.crmOwnerId ? { repId: r.ownerRepId, crmOwnerId: r.crmOwnerId } : null,
    createdAt: r.createdAt,
    decision:
      r.eventId && r.outcome
        ? {
            eventId: r.eventId,
            eventSource: r.eventSource,
            receivedAt: r.receivedAt,
            routedAt: r.routedAt,
            outcome: r.outcome,
            poolId: r.poolId,
            ruleId: r.ruleId,
            reasonCode: r.reasonCode,
          }
        : null,
  };
}
