// One lead's speed to lead, step by step: created in the CRM (the record's own created-at, when the
// mapping carries it) -> received by us -> decided -> owner written to the CRM -> confirmed by the
// CRM's echo. Each step with its time and the time since the previous step and since the start.
// Read-only; assembled from the lead, its first routing event and its ownership timeline.
import { findInboundEventSummary } from '../db/index.js';
import type { PipelineDeps } from './deps.js';
import type { LeadView } from './lead-views.js';
import type { LeadHistory } from './sync-views.js';

export type SpeedStepName = 'created' | 'received' | 'decided' | 'written' | 'confirmed';

export interface SpeedStep {
  step: SpeedStepName;
  at: string;
  /** Since the step before it (null for the first). */
  sincePreviousMs: number | null;
  /** Since the first step shown. */
  sinceStartMs: number;
}

/** The steps a lead reached, in order; a step it has not reached (or whose time is unknown) is left out. */
export async function getLeadSpeed(deps: PipelineDeps, lead: LeadView, history: LeadHistory): Promise<SpeedStep[]> {
  const routed = history.entries.find((e) => e.type === 'routed');
  const first = lead.assignments[0];
  const event = first ? await findInboundEventSummary(deps.db, first.eventId) : undefined;
  const createdAt = (lead.lead as { createdAt?: unknown } | null)?.createdAt;
  const firstOf = (type: string) => history.entries.find((e) => e.type === type)?.at;
  const times: Array<[SpeedStepName, string | undefined]> = [
    ['created', typeof createdAt === 'string' ? createdAt : undefined],
    ['received', event?.receivedAt.toISOString()],
    ['decided', routed?.at],
    ['written', firstOf('written')],
    ['confirmed', firstOf('confirmed')],
  ];
  const steps: SpeedStep[] = [];
  for (const [step, at] of times) {
    if (!at) continue;
    const ms = Date.parse(at);
    const prev = steps[steps.length - 1];
    steps.push({
      step,
      at: new Date(ms).toISOString(),
      sincePreviousMs: prev ? ms - Date.parse(prev.at) : null,
      sinceStartMs: steps[0] ? ms - Date.parse(steps[0].at) : 0,
    });
  }
  return steps;
}
