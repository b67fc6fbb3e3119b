// How many leads a routing batch reads at once. A batch is split by lock partition before its
// transactions (partition-lines.ts), so a batch of ROUTE_BATCH_MAX leads spread over K partitions
// gives each partition's transaction only ROUTE_BATCH_MAX / K of them, and with a few batches in
// flight per process each transaction pays its fixed cost (round trips, the commit's flush) for
// a fraction of a batch. When more leads wait than one batch takes, a batch takes a transaction's
// worth per partition of the config it last routed with, up to readPartitionsMax of them; what
// counts as a full batch (and how long a short one waits) is unchanged, so nothing waits longer.

/** Most partitions a read batch takes a transaction's worth for (a bound on one batch's size). */
export const readPartitionsMax = 4;

const partitionsOf = new WeakMap<object, number>();

/** The lock partitions of the config `owner` (a process's deps) routed its last batch with. */
export function notePartitions(owner: object, partitions: number): void {
  partitionsOf.set(owner, partitions);
}

/** The most leads a routing batch takes from those waiting: `perTransaction` per partition. */
export function routeReadSize(owner: object, perTransaction: number): number {
  return perTransaction * Math.min(readPartitionsMax, partitionsOf.get(owner) ?? 1);
}
