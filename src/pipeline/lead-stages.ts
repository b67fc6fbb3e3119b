// Where a lead's time goes in the worker, as lead-weighted sums (metrics.ts: lead_stage_seconds_total):
// bench:owner-latency reads them to tell a policy wait (route_wait, write_wait, token waits inside
// read and write) from work (decide) and from CPU starvation (what no stage accounts for).
import type { Metrics } from './metrics.js';

export type LeadStage = 'route_wait' | 'read' | 'decide' | 'write_wait' | 'write';

/** `leads` leads spent `ms` each in `stage` (a batch: its duration once per lead). */
export function leadStage(metrics: Metrics, stage: LeadStage, leads: number, ms: number): void {
  if (leads <= 0) return;
  metrics.leadStageSeconds.inc({ stage }, (leads * ms) / 1000);
  metrics.leadStageLeads.inc({ stage }, leads);
}

/** The batcher's onDispatch for `stage`: the items' summed wait. */
export function stageWait(metrics: Metrics, stage: LeadStage): (count: number, waitedMs: number) => void {
  return (count, waitedMs) => {
    metrics.leadStageSeconds.inc({ stage }, waitedMs / 1000);
    metrics.leadStageLeads.inc({ stage }, count);
  };
}
