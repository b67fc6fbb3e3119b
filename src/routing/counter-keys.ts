// Counter keys: the names of the rows in routing state that decide() reads and increments.
// Day and week are the rep's own calendar (their time zone), so a cap of 20/day resets at the
// rep's midnight, and a week is the ISO week (Monday start) in that zone.
export const openKey = (repId: string) => `rep:${repId}:open`;
export const dayKey = (repId: string, localDate: string) => `rep:${repId}:day:${localDate}`;
export const weekKey = (repId: string, isoWeek: string) => `rep:${repId}:week:${isoWeek}`;
/** Smooth weighted round-robin credit ("current weight") of one member of one pool. */
export const creditKey = (poolId: string, repId: string) => `pool:${poolId}:wrr:${repId}`;
