// Job payloads are versioned and parsed: a worker of the next release must read what this one queued.
import { z } from 'zod';

export const routeJob = z.object({ v: z.literal(1), eventId: z.string().uuid() });
export type RouteJob = z.infer<typeof routeJob>;

/** A due SLA timer, on the 'sla' queue (delayed until due; the sweeper fires it too if it is lost). */
export const slaTimerJob = z.object({ v: z.literal(1), slaTimerId: z.string().uuid() });
export type SlaTimerJob = z.infer<typeof slaTimerJob>;

export const writebackJob = z.object({ v: z.literal(1), outboxId: z.string().uuid() });
export type WritebackJob = z.infer<typeof writebackJob>;

/** A notification to send, on the 'notify' queue (delayed until due: quiet hours, an SLA warning's time). */
export const notifyJob = z.object({ v: z.literal(1), notificationId: z.string().uuid() });
export type NotifyJob = z.infer<typeof notifyJob>;
