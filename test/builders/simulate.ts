// Routing a run of leads in memory, as the pipeline would: each decision's state change applied
// before the next lead is decided.
import { decide, type Decision, type RoutingConfig, type RoutingState } from '../../src/routing/index.js';
import { aLead } from './lead.js';
import { noHistory, applyStateChange } from './state.js';
import { at } from './time.js';

/** Routes n leads (`lead()` each), deciding lead i at `when(i)` (default 2026-11-25 10:00 UTC). */
export function simulate(
  config: RoutingConfig,
  n: number,
  state: RoutingState = noHistory(),
  when: (i: number) => Date = () => at('2026-11-25T10:00Z'),
  lead = aLead,
): Decision[] {
  const out: Decision[] = [];
  for (let i = 0; i < n; i++) {
    const d = decide(lead(), config, state, when(i));
    applyStateChange(state, d.stateChange);
    out.push(d);
  }
  return out;
}

/** Who got each lead, or the decision's kind when nobody did. */
export const owners = (ds: readonly Decision[]) => ds.map((d) => (d.kind === 'assigned' ? d.ownerId : d.kind));
