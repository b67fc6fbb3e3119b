// A circuit per CRM connection (docs/failures.md): after `failures` consecutive whole-call
// retryable failures it opens and no write is sent to that CRM; after `openMs` it half-opens and
// lets ONE call through as a probe; the probe's success closes it, its failure opens it again.
// Pure state machine: the clock is injected. Per process: each worker judges the CRM by its own
// calls (a fleet of N workers sends at most N probes per open period).

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitOptions {
  /** Consecutive whole-call retryable failures that open the circuit. */
  failures: number;
  /** How long it stays open before one probe is let through. */
  openMs: number;
}

export type Admission = { ok: true; probe: boolean } | { ok: false; retryAt: number };

export interface Circuit {
  /** May a call go now? A refusal says when to try again (when it half-opens, or after the probe). */
  admit(): Admission;
  /** The CRM answered (even if it refused some records): closes the circuit. */
  success(): void;
  /** The whole call failed retryably (5xx, timeout, network, a limit on every record). */
  failure(): void;
  state(): CircuitState;
}

export function createCircuit(opts: CircuitOptions, now: () => number): Circuit {
  let state: CircuitState = 'closed';
  let consecutive = 0;
  let openedAt = 0;
  let probeSince: number | undefined;
  // While the probe is out, others wait this long and ask again (the probe's answer is near).
  const probeWaitMs = Math.max(1, Math.min(opts.openMs, 1000));

  const open = () => {
    state = 'open';
    openedAt = now();
    probeSince = undefined;
  };

  return {
    admit() {
      const t = now();
      if (state === 'closed') return { ok: true, probe: false };
      if (state === 'open') {
        if (t < openedAt + opts.openMs) return { ok: false, retryAt: openedAt + opts.openMs };
        state = 'half_open';
        probeSince = t;
        return { ok: true, probe: true };
      }
      // Half-open: one probe at a time; a probe that never answered (a hung call) is replaced after openMs.
      if (probeSince !== undefined && t < probeSince + opts.openMs) return { ok: false, retryAt: t + probeWaitMs };
      probeSince = t;
      return { ok: true, probe: true };
    },
    success() {
      state = 'closed';
      consecutive = 0;
      probeSince = undefined;
    },
    failure() {
      if (state === 'half_open') return open();
      if (state === 'open') return; // a call sent before it opened: the open period stands
      consecutive += 1;
      if (consecutive >= opts.failures) open();
    },
    state: () => state,
  };
}

/** The circuits of one process, one per CRM connection, created on first use. */
export interface Circuits {
  get(crm: string): Circuit;
  /** Every circuit this process has used, for /readyz: { hubspot: 'open', salesforce: 'closed' }. */
  states(): Record<string, CircuitState>;
}

export function createCircuits(opts: CircuitOptions, now: () => number): Circuits {
  const all = new Map<string, Circuit>();
  return {
    get(crm) {
      let c = all.get(crm);
      if (!c) all.set(crm, (c = createCircuit(opts, now)));
      return c;
    },
    states() {
      return Object.fromEntries([...all].map(([crm, c]) => [crm, c.state()]));
    },
  };
}
