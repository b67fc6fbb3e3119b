// One run at a time of a catch-up step (drain the untried account changes, follow the mirror), for
// callers that each need a run that STARTS after they asked: a change recorded while a run is
// already reading would otherwise be left behind by it. A caller arriving while a run is in flight
// queues one more run after it; callers arriving while that one waits share it.
export function serialRuns<T>(run: () => Promise<T>): () => Promise<T> {
  let queued: Promise<T> | undefined;
  let last: Promise<unknown> = Promise.resolve();
  return () => {
    if (queued) return queued;
    const next = last.then(() => {
      queued = undefined;
      return run();
    });
    queued = next;
    last = next.catch(() => undefined);
    return next;
  };
}
