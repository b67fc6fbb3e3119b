// Where each lead's time went, for bench:owner-latency: per lead from the stand-in's request log
// (when its record read and its owner write arrived, and the round trip each drew) and the
// webhook's answer; per stage inside the worker from its lead_stage_* counters (src/pipeline/
// lead-stages.ts). Means over all leads and over the slowest 1% (the tail the p99 comes from).
// A policy wait (route_wait, write_wait, a token wait inside a call) shows as its own share; CPU
// starvation shows as `hop` and `decide` growing while the policy waits stay put.

/** One stand-in request: what it carried (record ids), when it arrived, the round trip drawn. */
export interface Arrival {
  at: number;
  rttMs: number;
}

export interface LeadStamps {
  sentAt: number;
  ackAt?: number;
  read?: Arrival;
  write?: Arrival;
}

const stageNames = ['route_wait', 'read', 'decide', 'write_wait', 'write'] as const;
type WorkerStage = (typeof stageNames)[number];
export type WorkerStages = Record<WorkerStage, { seconds: number; leads: number }>;

/** The worker's lead_stage_* counters from its /metrics. */
export async function scrapeStages(metricsUrl: string): Promise<WorkerStages> {
  const text = await (await fetch(metricsUrl)).text();
  const out = Object.fromEntries(stageNames.map((s) => [s, { seconds: 0, leads: 0 }])) as WorkerStages;
  for (const m of text.matchAll(/^lead_stage_(seconds|leads)_total\{stage="(\w+)"\} ([\d.e+-]+)$/gm)) {
    const s = out[m[2] as WorkerStage];
    if (s) s[m[1] === 'seconds' ? 'seconds' : 'leads'] = Number(m[3]);
  }
  return out;
}

const round = (n: number) => Math.round(n * 10) / 10;
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Per-lead stages (ms): ack, to_read (ack -> read sent: queue hop, routing batch wait, token wait), read (round trip), to_write (read answered -> write sent: decide, write batch wait, token wait), write (half a round trip: the owner is set on arrival). */
function leadStages(s: LeadStamps) {
  if (s.ackAt === undefined || !s.read || !s.write) return undefined;
  const readSent = s.read.at - s.read.rttMs / 2;
  const readBack = s.read.at + s.read.rttMs / 2;
  const writeSent = s.write.at - s.write.rttMs / 2;
  return {
    total: s.write.at - s.sentAt,
    ack: s.ackAt - s.sentAt,
    to_read: readSent - s.ackAt,
    read: readBack - readSent,
    to_write: writeSent - readBack,
    write: s.write.at - writeSent,
  };
}

/**
 * The phase's stage figures: per-lead means (all, and the slowest 1%) with each stage's share of
 * the total, and the worker's own split of to_read / to_write (before/after counter snapshots).
 */
export function stageFigures(stamps: LeadStamps[], before: WorkerStages, after: WorkerStages) {
  const per = stamps.flatMap((s) => {
    const l = leadStages(s);
    return l ? [l] : [];
  });
  per.sort((a, b) => a.total - b.total);
  const tail = per.slice(Math.floor(per.length * 0.99));
  const summary = (rows: typeof per) => {
    const total = mean(rows.map((r) => r.total));
    const keys = ['ack', 'to_read', 'read', 'to_write', 'write'] as const;
    return {
      total_ms: round(total),
      ms: Object.fromEntries(keys.map((k) => [k, round(mean(rows.map((r) => r[k])))])),
      share: Object.fromEntries(keys.map((k) => [k, total ? round((mean(rows.map((r) => r[k])) / total) * 100) : 0])),
    };
  };
  const worker = Object.fromEntries(
    stageNames.map((s) => {
      const leads = after[s].leads - before[s].leads;
      return [s, leads ? round(((after[s].seconds - before[s].seconds) * 1000) / leads) : null];
    }),
  ) as Record<WorkerStage, number | null>;
  const all = summary(per);
  const rtt = all.ms.read ?? 0;
  // Policy: what the batchers and the token bucket chose to wait; work: the rest of the worker's time.
  const policy = (worker.route_wait ?? 0) + (worker.write_wait ?? 0) + Math.max(0, (worker.read ?? 0) - rtt);
  return {
    leads_stamped: per.length,
    missing: {
      ack: stamps.filter((s) => s.ackAt === undefined).length,
      read: stamps.filter((s) => !s.read).length,
      write: stamps.filter((s) => !s.write).length,
    },
    all: all,
    slowest_1pct: summary(tail),
    worker_mean_ms: worker,
    policy_wait_ms: round(policy),
    policy_share_pct: all.total_ms ? round((policy / all.total_ms) * 100) : 0,
  };
}
