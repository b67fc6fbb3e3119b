// Counter keys: the names of the rows in routing state that decide() reads and increments.
// Day, week and month are the rep's own calendar (their time zone), so a cap of 20/day resets at
// the rep's midnight, and a week is the ISO week (Monday start) in that zone. Hours are UTC clock
// hours (the local hour in every zone with a whole-hour offset), so an hour never repeats at a
// DST change.
export const openKey = (repId: string) => `rep:${repId}:open`;
export const dayKey = (repId: string, localDate: string) => `rep:${repId}:day:${localDate}`;
export const weekKey = (repId: string, isoWeek: string) => `rep:${repId}:week:${isoWeek}`;
/** localDate: the rep's local date (YYYY-MM-DD); the key names its month. */
export const monthKey = (repId: string, localDate: string) => `rep:${repId}:month:${localDate.slice(0, 7)}`;
/** The UTC clock hour holding `ms` (rep:<id>:hour:2026-11-25T10). */
export const hourKey = (repId: string, ms: number) => `rep:${repId}:hour:${new Date(ms).toISOString().slice(0, 13)}`;
/** Routing counts a rep's hours only when a cap reads them, so reps without one pay nothing for it. */
export const countsHours = (rep: { capPerHour?: number | undefined; capRolling?: unknown }) =>
  rep.capPerHour !== undefined || rep.capRolling !== undefined;

// Rotation lines. A line is the queue round robin walks: one per pool, or one shared by the pools
// naming the same rotationGroup; the line "all" records every lead a rep gets by any route
// (least_recently_assigned, least_loaded's idle tie-break). Line ids hold a "/", which ids may
// not, so a pool and a group never share a key.
export const globalLine = 'all';
export const poolLine = (poolId: string) => `pool/${poolId}`;
export const groupLine = (group: string) => `group/${group}`;
/** The last sequence number the line handed out (1, 2, ...). */
export const lineSeqKey = (line: string) => `line:${line}:seq`;
/** The line's sequence number of the rep's last lead on it (missing: never had one). */
export const lastKey = (line: string, repId: string) => `line:${line}:last:${repId}`;
/** Smooth weighted round-robin credit of one member on a line, in thousandths of a lead, within a period ("all" for all_time). */
export const creditKey = (line: string, period: string, repId: string) => `line:${line}:wrr:${period}:${repId}`;
/** Leads the line gave the rep within a period (least_loaded with loadBy: assignments). */
export const countKey = (line: string, period: string, repId: string) => `line:${line}:n:${period}:${repId}`;
