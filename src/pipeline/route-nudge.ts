// Route jobs from intake, coalesced across intake statements (issue 19, bench:intake). Quiet at
// 1,000 leads/s an intake statement holds one or two leads, and each route job costs its own
// Redis round trips (add, fetch, finish: ~25 commands) and its own worker turn, whatever it
// carries. So new events wait for the next job for at most `windowMs` after the last one left:
// - a lead that finds no job sent in the last window goes on the next turn, as before (a lead at
//   1/s, or 10/s with a 10 ms window, never waits);
// - the ones behind it within the window ride together in the window's one job (1,000/s with
//   10 ms: ~10 leads a job instead of one or two);
// - a full job (maxEvents) goes at once.
// The ack never waits for this: the events are committed before they get here, and an event whose
// job is never added (Redis down, a crash inside the window) is still routed by the sweeper.

export interface RouteNudger<E> {
  /** Resolves when the job carrying these events was sent (or refused: `send` never rejects). */
  add(events: E[]): Promise<void>;
  /** Sends whatever waits now (shutdown: before the queue closes). */
  flush(): Promise<void>;
}

export function createRouteNudger<E>(
  send: (events: E[]) => Promise<void>,
  opts: { windowMs: number; maxEvents: number; nowMs?: () => number },
): RouteNudger<E> {
  const nowMs = opts.nowMs ?? (() => performance.now());
  let pending: E[] = [];
  let waiters: Array<() => void> = [];
  let lastSentAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;

  function go(): Promise<void> {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = immediate = undefined;
    if (pending.length === 0) return Promise.resolve();
    const events = pending;
    const done = waiters;
    pending = [];
    waiters = [];
    lastSentAt = nowMs();
    const chunks: E[][] = [];
    for (let i = 0; i < events.length; i += opts.maxEvents) chunks.push(events.slice(i, i + opts.maxEvents));
    // `send` leaves a refused add to the sweeper; the waiters are answered either way.
    const answer = () => {
      for (const d of done) d();
    };
    return Promise.all(chunks.map(send)).then(answer, answer);
  }

  function schedule(): void {
    if (immediate) return;
    const due = lastSentAt + opts.windowMs - nowMs();
    if (pending.length >= opts.maxEvents || due <= 0) {
      // The next turn, not now: the statement's answers are written before the add runs.
      if (timer) clearTimeout(timer);
      timer = undefined;
      immediate = setImmediate(() => void go());
    } else if (!timer) timer = setTimeout(() => void go(), due);
  }

  return {
    add(events) {
      if (events.length === 0) return Promise.resolve();
      pending.push(...events);
      const sent = new Promise<void>((resolve) => waiters.push(resolve));
      schedule();
      return sent;
    },
    flush: go,
  };
}
