// One process's routing batches take their routing locks in the order the batches were formed
// (the order their leads arrived), whatever order their record reads answer in. Reads overlap;
// only the step onto the locks is kept in line. Without it two batches in flight in one worker
// (full ones side by side, or short ones while the CRM budget allows) could commit the later
// leads first, and round robin's next rep would go to a later lead than one worker routing the
// batches one by one would give it (invariant 8: parallel workers decide as one worker would).
// Across processes the queue hands batches out in arrival order and the partition rows do the rest.

export interface Turn {
  /** Resolves once every earlier batch of this process holds its locks or has ended. */
  ready: Promise<void>;
  /** This batch holds its locks (or ends without them): the next may take its own. Idempotent. */
  done(): void;
}

const lines = new WeakMap<object, { last: Promise<void> }>();

/** Takes this batch's place in `owner`'s line; call it synchronously when the batch is formed. */
export function takeTurn(owner: object): Turn {
  const line = lines.get(owner) ?? { last: Promise.resolve() };
  lines.set(owner, line);
  const ready = line.last;
  let done!: () => void;
  line.last = new Promise<void>((resolve) => (done = resolve));
  return { ready, done };
}
