// Virtual time for a policy simulation (bench:owner-latency-policy): while run() drives,
// setTimeout / clearTimeout / setImmediate are replaced by a timer queue whose clock jumps to
// the next timer once every promise chain has settled, so a 10 s phase takes milliseconds and
// no machine load moves a single figure.
interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled?: boolean;
}

export function virtualTime(start = 0) {
  let now = start;
  let seq = 0;
  const queue: Timer[] = [];
  const add = (ms: number, fn: () => void): Timer => {
    const t: Timer = { at: now + Math.max(0, ms), seq: seq++, fn };
    // Sorted by (at, seq): binary search for the insert point.
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const q = queue[mid]!;
      if (q.at < t.at || (q.at === t.at && q.seq < t.seq)) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, t);
    return t;
  };
  const realImmediate = globalThis.setImmediate;
  const settle = () => new Promise<void>((r) => realImmediate(r));
  const vt = {
    now: () => now,
    setTimeout: (fn: () => void, ms = 0) => add(ms, fn),
    sleep: (ms: number) => new Promise<void>((r) => add(ms, r)),
    clock: { now: () => now, sleep: (ms: number) => new Promise<void>((r) => add(ms, r)) },
    /** Runs every timer (and what they schedule) to the end, with the globals replaced meanwhile. */
    async run(): Promise<void> {
      const saved = { st: globalThis.setTimeout, ct: globalThis.clearTimeout, si: globalThis.setImmediate };
      const g = globalThis as unknown as Record<string, unknown>;
      g.setTimeout = (fn: () => void, ms?: number) => add(ms ?? 0, fn);
      g.clearTimeout = (t: Timer | undefined) => {
        if (t) t.cancelled = true;
      };
      g.setImmediate = (fn: () => void) => add(0, fn);
      try {
        for (;;) {
          await settle();
          const t = queue.shift();
          if (!t) break;
          if (t.cancelled) continue;
          now = Math.max(now, t.at);
          t.fn();
        }
      } finally {
        g.setTimeout = saved.st;
        g.clearTimeout = saved.ct;
        g.setImmediate = saved.si;
      }
    },
  };
  return vt;
}
