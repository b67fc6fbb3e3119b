// What GET /v1/leads/:id and GET /v1/leads/:id/decision answer: a lead, its owner and its
// routing history, and the stored decision that answers "why did X get this lead?". Read-only.
import {
  findLead,
  latestDecision,
  latestLeadDecision,
  listLeadAssignments,
  type AssignmentSummary,
} from '../db/index.js';
import { AppError, errors } from '../errors.js';
import { explainDecision, type Decision } from '../routing/index.js';
import type { PipelineDeps } from './deps.js';

export interface LeadOwner {
  repId: string | null;
  crmOwnerId: string | null;
  /** From the active config's rep entry, when the rep is still in it. */
  name?: string;
  email?: string;
}

export interface LeadView {
  id: string;
  source: { crm: string; objectType: string; recordId: string };
  lead: unknown;
  owner: LeadOwner | null;
  createdAt: string;
  updatedAt: string;
  assignments: Array<Omit<AssignmentSummary, 'createdAt'> & { createdAt: string }>;
}

export interface DecisionView {
  leadId: string;
  assignmentId: string;
  eventId: string;
  eventSource: string;
  configVersion: number;
  createdAt: string;
  outcome: string;
  reasonCode: string;
  /** The decision as decide() returned it (trace, reasons, state change) plus the mapping's warnings. */
  decision: Decision & { mappingWarnings?: unknown[] };
}

export async function getLeadView(deps: PipelineDeps, id: string): Promise<LeadView> {
  const row = await findLead(deps.db, id);
  if (!row) throw errors.notFound(`lead ${id}`);
  const history = await listLeadAssignments(deps.db, id);
  return {
    id: row.id,
    source: { crm: row.crm, objectType: row.objectType, recordId: row.recordId },
    lead: row.data,
    owner: await ownerOf(deps, row.ownerRepId, row.crmOwnerId),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    assignments: history.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
  };
}

export async function getLeadDecision(deps: PipelineDeps, id: string): Promise<DecisionView> {
  const row = await latestLeadDecision(deps.db, id);
  // Leads are only stored together with their first assignment, so no row means no such lead.
  if (!row) throw errors.notFound(`lead ${id}`);
  return decisionView(id, row);
}

/** The newest decision of any lead (GET /v1/leads/latest/decision): the newcomer's "who got it?". */
export async function getLatestDecision(deps: PipelineDeps): Promise<DecisionView> {
  const row = await latestDecision(deps.db);
  if (!row) throw new AppError('NOT_FOUND', 'no lead has been routed yet: POST /v1/leads sends one');
  return decisionView(row.leadId, row);
}

function decisionView(id: string, row: NonNullable<Awaited<ReturnType<typeof latestLeadDecision>>>): DecisionView {
  return {
    leadId: id,
    assignmentId: row.id,
    eventId: row.eventId,
    eventSource: row.eventSource,
    configVersion: row.configVersion,
    createdAt: row.createdAt.toISOString(),
    outcome: row.outcome,
    reasonCode: row.reasonCode,
    decision: row.decision as DecisionView['decision'],
  };
}

/** The stored decision as text: where it came from, then routing's own explanation. */
export function explainDecisionView(v: DecisionView): string {
  const header = [
    `Lead ${v.leadId}`,
    `Decided ${v.createdAt} under config version ${v.configVersion} (event ${v.eventId} from ${v.eventSource}).`,
    '',
  ];
  const warnings = (v.decision.mappingWarnings ?? []) as Array<{ code?: string; field?: string; message?: string }>;
  const footer = warnings.length
    ? [
        '',
        'Mapping warnings:',
        ...warnings.map((w) => `  - ${w.code ?? 'WARNING'} ${w.field ?? ''}: ${w.message ?? ''}`),
      ]
    : [];
  return [...header, explainDecision(v.decision), ...footer].join('\n') + '\n';
}

async function ownerOf(deps: PipelineDeps, repId: string | null, crmOwnerId: string | null): Promise<LeadOwner | null> {
  if (!repId && !crmOwnerId) return null;
  if (!repId) return { repId, crmOwnerId };
  const rep = (await deps.configs.get()).doc.routing.reps.find((r) => r.id === repId);
  return { repId, crmOwnerId, ...(rep?.name ? { name: rep.name } : {}), ...(rep?.email ? { email: rep.email } : {}) };
}
