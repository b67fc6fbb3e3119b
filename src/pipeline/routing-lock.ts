/**
 * Every transaction that decides or moves routing counters locks this rotation_cursors row first
 * (routing, ownership adoptions, SLA reassignments), so counters read under it stay exact, and the
 * lock order is always: event rows, routing state, leads, SLA timers.
 */
export const routingLockKey = '$routing';
