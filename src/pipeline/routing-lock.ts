import { globalRoutingLockKey } from '../db/index.js';

/**
 * Transactions that move routing counters outside a routing batch (ownership adoptions, SLA
 * reassignments, bulk reroute chunks) lock this rotation_cursors row first: it excludes every
 * other routing transaction, partitioned or not (docs/scaling.md). A routing batch of a config
 * with several lock partitions locks its partition's row instead (route-batch.ts). The lock
 * order is always: event rows, routing state, leads, SLA timers.
 */
export const routingLockKey = globalRoutingLockKey;
