// A long bulk command (an import of a million rows) makes garbage at a steady rate, and V8 grows
// its heap lazily: a 1M-row import held ~350 MB of RSS while its live data stayed near 30 MB (the
// same run capped at --max-old-space-size=96 finished at 180 MB). A full collection whenever the
// used heap passes a bound keeps the process flat without asking the operator for node flags; at
// one collection per few thousand rows it costs a few ms each.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/** The engine's full collection (exposed once, at first use). */
function collector(): () => void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  return collect;
}

/**
 * A check to call between batches: collects when the used heap has grown `headroomMb` past what
 * the last collection left (the modules alone hold ~100 MB, so a fixed bound would collect on
 * every call).
 */
export function heapBound(headroomMb: number): () => void {
  const headroom = headroomMb * 1024 * 1024;
  let limit = process.memoryUsage().heapUsed + headroom;
  return () => {
    if (process.memoryUsage().heapUsed <= limit) return;
    collector()();
    limit = process.memoryUsage().heapUsed + headroom;
  };
}
