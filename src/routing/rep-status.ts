// A rep's availability as set through the API (PUT /v1/reps/:id/availability), without a config
// publish. The caller loads the rows with the routing state and passes them in
// (RoutingState.availability); decide overlays them on the config's schedule:
// - away: unavailable from `since` until `until` (exclusive) or, without one, until marked back.
// - back: ends any config time off (`away` ranges) that had begun by `since`; ranges that start
//   later still apply, and working hours and holidays are untouched (an override adds hours).
export interface RepStatus {
  status: 'away' | 'back';
  /** ISO instant the status was set. */
  since: string;
  /** away only: the instant the rep is available again (exclusive). */
  until?: string | undefined;
  note?: string | undefined;
  /** Who set it (the audit actor), for the trace. */
  by?: string | undefined;
}

/** Trace text when the API marks the rep away at nowMs; undefined otherwise. */
export function awayByStatus(s: RepStatus | undefined, nowMs: number): string | undefined {
  if (!s || s.status !== 'away') return undefined;
  if (nowMs < Date.parse(s.since)) return undefined;
  if (s.until !== undefined && nowMs >= Date.parse(s.until)) return undefined;
  return `marked away${s.until ? ` until ${s.until}` : ''} since ${s.since}${s.by ? ` by ${s.by}` : ''}${s.note ? ` (${s.note})` : ''}`;
}
