// Job payloads are versioned and parsed: a worker of the next release must read what this one queued.
import { z } from 'zod';

/** Most events one route job carries: an intake statement's (group commit, CRM batch) new events, in chunks. */
export const routeJobMaxEvents = 200;

/**
 * v1: one event (the sweeper's, a waiting lead's nudge). v2: the new events of one intake
 * statement in one job, so a lead costs a share of one job's Redis calls (add, fetch, finish)
 * instead of a whole job's (bench:intake, issue 19). A v1 worker drops a v2 job as unparsable; the
 * sweeper routes its events after SWEEP_AFTER_MS, so an upgrade that starts serve first loses nothing.
 */
export const routeJob = z.union([
  z.object({ v: z.literal(1), eventId: z.string().uuid() }),
  z.object({ v: z.literal(2), eventIds: z.array(z.string().uuid()).min(1).max(routeJobMaxEvents) }),
]);
export type RouteJob = z.infer<typeof routeJob>;

export const routeJobEventIds = (job: RouteJob): string[] => (job.v === 1 ? [job.eventId] : job.eventIds);

/** A due SLA timer, on the 'sla' queue (delayed until due; the sweeper fires it too if it is lost). */
export const slaTimerJob = z.object({ v: z.literal(1), slaTimerId: z.string().uuid() });
export type SlaTimerJob = z.infer<typeof slaTimerJob>;

export const writebackJob = z.object({ v: z.literal(1), outboxId: z.string().uuid() });
export type WritebackJob = z.infer<typeof writebackJob>;

/** A notification to send, on the 'notify' queue (delayed until due: quiet hours, an SLA warning's time). */
export const notifyJob = z.object({ v: z.literal(1), notificationId: z.string().uuid() });
export type NotifyJob = z.infer<typeof notifyJob>;
