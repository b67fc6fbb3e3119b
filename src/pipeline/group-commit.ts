// Group commit: items that arrive while a batch is being handled wait and go together in the
// next one. Idle, an item goes on the next turn of the event loop (setImmediate: no timer, so
// no added latency beyond what is already queued), with whatever else arrived in that turn,
// unless `lingerMs` asks a short batch to wait (batch-wait.ts decides that per batch);
// busy, one statement, one transaction or one CRM call serves many. Each item still gets its
// own outcome. The turn also lets pending I/O (HTTP requests) in between batches: on PGlite,
// where a query runs on this thread, back-to-back routing and write-back batches would
// otherwise hold the event loop for their whole chain.

export type BatchOutcome<R = void> = Map<string, Error | undefined> & { results?: Map<string, R> };

export interface GroupCommit<T = string, R = void> {
  submit(item: T): Promise<R>;
}

interface Waiting<T, R> {
  item: T;
  /** performance.now() at submit, when someone watches the waits. */
  at: number;
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

/**
 * `handle` gets the batch and answers, per item (same order), a result or an Error.
 * If it throws, each item is retried alone, so one bad item cannot fail its neighbours.
 */
export function createBatcher<T, R>(
  handle: (items: T[]) => Promise<Array<R | Error>>,
  opts: {
    maxBatch: number;
    /**
     * A batch that starts takes up to this many of the items waiting (at least maxBatch); what
     * counts as full stays maxBatch. The router asks for one transaction's worth per lock
     * partition (route-read-size.ts), since its batches split by partition before committing.
     */
    takeMax?: () => number;
    maxConcurrent: number;
    /**
     * Wait this long for a short batch to fill (Kafka's linger.ms); 0: never. A function is asked
     * each time a short batch could go, with how many items wait (an adaptive linger).
     */
    lingerMs?: number | ((waiting: number) => number);
    /**
     * A short batch (fewer than maxBatch items) starts only while fewer than this many batches
     * are in flight; full batches may use every maxConcurrent slot. Default: maxConcurrent. A
     * function is asked each time a short batch could start (batch-wait.ts shortBatchSlots: every
     * slot while the CRM's calls are plentiful, one once they run short, so the batches that wait
     * for the CRM's next call wait here and fill instead of queueing for a token half empty).
     */
    maxConcurrentShort?: number | (() => number);
    /** A batch starts: its items waited `waitedMs` in all (summed over items) since their submit. */
    onDispatch?: (count: number, waitedMs: number) => void;
  },
): GroupCommit<T, R> {
  const waiting: Waiting<T, R>[] = [];
  let active = 0;
  let lingering: NodeJS.Timeout | undefined;
  let scheduled = false;

  async function runOne(batch: Waiting<T, R>[]): Promise<void> {
    let answers: Array<R | Error>;
    try {
      answers = await handle(batch.map((w) => w.item));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err as Error);
      for (const w of batch) await runOne([w]);
      return;
    }
    batch.forEach((w, i) => {
      const a = answers[i];
      if (a instanceof Error) w.reject(a);
      else w.resolve(a as R);
    });
  }

  /** Whether another batch may start now: full ones up to maxConcurrent, short ones up to maxConcurrentShort. */
  const shortSlots = () =>
    typeof opts.maxConcurrentShort === 'function'
      ? opts.maxConcurrentShort()
      : (opts.maxConcurrentShort ?? opts.maxConcurrent);
  const canStart = () =>
    active < (waiting.length >= opts.maxBatch ? opts.maxConcurrent : Math.min(opts.maxConcurrent, shortSlots()));

  function pump(): void {
    if (lingering) {
      if (waiting.length < opts.maxBatch) return;
      clearTimeout(lingering);
      lingering = undefined;
    } else if (opts.lingerMs && waiting.length > 0 && waiting.length < opts.maxBatch && canStart()) {
      const ms = typeof opts.lingerMs === 'function' ? opts.lingerMs(waiting.length) : opts.lingerMs;
      if (ms > 0) {
        lingering = setTimeout(() => {
          lingering = undefined;
          dispatch();
        }, ms);
        return;
      }
    }
    if (scheduled || !canStart() || waiting.length === 0) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      dispatch();
    });
  }

  function dispatch(): void {
    while (waiting.length > 0 && canStart()) {
      const batch = waiting.splice(0, Math.max(opts.maxBatch, opts.takeMax?.() ?? 0));
      if (opts.onDispatch) {
        const now = performance.now();
        opts.onDispatch(
          batch.length,
          batch.reduce((sum, w) => sum + now - w.at, 0),
        );
      }
      active++;
      void runOne(batch).finally(() => {
        active--;
        pump();
      });
    }
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        waiting.push({ item, resolve, reject, at: opts.onDispatch ? performance.now() : 0 });
        pump();
      });
    },
  };
}

/** Jobs by id whose handler answers an outcome per id (route and write-back batches). */
export function createGroupCommit(
  handle: (ids: string[]) => Promise<Map<string, Error | undefined>>,
  opts: Parameters<typeof createBatcher>[1],
): GroupCommit<string, void> {
  return createBatcher<string, void>(async (ids) => {
    const outcome = await handle(ids);
    return ids.map((id) => outcome.get(id) ?? undefined);
  }, opts);
}
