// A group-commit batcher whose every batch stays open until the test releases it, so a test can
// look at which batches started, and with what in them, while they are in flight.
import { createBatcher } from '../../src/pipeline/group-commit.js';

export type BatcherOptions = Parameters<typeof createBatcher>[1];

export function heldBatcher(opts: BatcherOptions) {
  const batches: number[][] = [];
  const open: Array<() => void> = [];
  const b = createBatcher<number, void>(async (items) => {
    batches.push(items);
    await new Promise<void>((r) => open.push(r));
    return items.map(() => undefined);
  }, opts);
  return { b, batches, releaseAll: () => open.splice(0).forEach((r) => r()) };
}

/** One turn of the event loop: the batcher forms its batches on the next turn. */
export const nextTurn = () => new Promise((r) => setImmediate(r));
