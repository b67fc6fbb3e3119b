// Group commit: jobs that arrive while a batch is being handled wait and go together in the
// next one. Idle, a job runs at once (no timer, no added latency); busy, one transaction and
// one CRM call serve many leads. Each job still gets its own outcome.

export type BatchOutcome = Map<string, Error | undefined>;

export interface GroupCommit {
  submit(id: string): Promise<void>;
}

export function createGroupCommit(handle: (ids: string[]) => Promise<BatchOutcome>, opts: { maxBatch: number; maxConcurrent: number }): GroupCommit {
  const waiting: Array<{ id: string; resolve: () => void; reject: (e: Error) => void }> = [];
  let active = 0;

  function settle(batch: typeof waiting, outcome: BatchOutcome): void {
    for (const job of batch) {
      const err = outcome.get(job.id);
      if (err) job.reject(err);
      else job.resolve();
    }
  }

  async function runOne(batch: typeof waiting): Promise<void> {
    try {
      settle(batch, await handle(batch.map((j) => j.id)));
    } catch (err) {
      if (batch.length === 1) return settle(batch, new Map([[batch[0]!.id, err as Error]]));
      // One bad item must not fail its neighbours: retry each alone, so only it fails.
      for (const job of batch) await runOne([job]);
    }
  }

  function pump(): void {
    while (active < opts.maxConcurrent && waiting.length > 0) {
      const batch = waiting.splice(0, opts.maxBatch);
      active++;
      void runOne(batch).finally(() => {
        active--;
        pump();
      });
    }
  }

  return {
    submit(id) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ id, resolve, reject });
        pump();
      });
    },
  };
}
