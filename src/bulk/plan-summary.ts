// What a reroute does, summed up for a person (the dry run's plan, and a job's progress): how
// many leads go from whom to whom, and per rep how many they lose and gain. Pure, and built
// incrementally, so a plan over 100,000 leads holds counts, not the leads.
export type RerouteOutcome = 'moved' | 'kept' | 'unplaced' | 'skipped';

export interface RerouteFlow {
  /** Rep ids; null = no rep (unowned, or a CRM queue). */
  from: string | null;
  to: string | null;
  leads: number;
}

export interface RepBalance {
  repId: string;
  loses: number;
  gains: number;
}

export interface PlanSummary {
  total: number;
  moved: number;
  kept: number;
  unplaced: number;
  skipped: number;
  /** Moved leads only, largest flow first. */
  flows: RerouteFlow[];
  /** Reps a moved lead leaves or reaches, by rep id. */
  perRep: RepBalance[];
}

export interface PlanTally {
  add(outcome: RerouteOutcome, from: string | null, to: string | null): void;
  summary(): PlanSummary;
}

export function planTally(): PlanTally {
  const counts = { moved: 0, kept: 0, unplaced: 0, skipped: 0 };
  const flows = new Map<string, RerouteFlow>();
  const reps = new Map<string, RepBalance>();
  const rep = (id: string) => {
    let r = reps.get(id);
    if (!r) reps.set(id, (r = { repId: id, loses: 0, gains: 0 }));
    return r;
  };
  return {
    add(outcome, from, to) {
      counts[outcome]++;
      if (outcome !== 'moved') return;
      const k = `${from ?? ''}\u0000${to ?? ''}`;
      const f = flows.get(k) ?? { from, to, leads: 0 };
      f.leads++;
      flows.set(k, f);
      if (from) rep(from).loses++;
      if (to) rep(to).gains++;
    },
    summary() {
      return {
        total: counts.moved + counts.kept + counts.unplaced + counts.skipped,
        ...counts,
        flows: [...flows.values()].sort((a, b) => b.leads - a.leads),
        perRep: [...reps.values()].sort((a, b) => a.repId.localeCompare(b.repId)),
      };
    },
  };
}

/** The plan as lines for a terminal: totals, who -> whom, then per rep. */
export function formatPlan(s: PlanSummary): string[] {
  const name = (id: string | null) => id ?? '(no rep)';
  const lines = [
    `${s.total} leads: ${s.moved} move, ${s.kept} stay with their owner, ${s.unplaced} nobody can take, ${s.skipped} skipped (closed)`,
  ];
  if (s.flows.length) lines.push('who -> whom:');
  for (const f of s.flows) lines.push(`  ${name(f.from)} -> ${name(f.to)}: ${f.leads}`);
  if (s.perRep.length) lines.push('per rep (loses / gains / net):');
  for (const r of s.perRep)
    lines.push(`  ${r.repId}: -${r.loses} / +${r.gains} / ${r.gains - r.loses >= 0 ? '+' : ''}${r.gains - r.loses}`);
  return lines;
}
