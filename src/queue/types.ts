// The transport for jobs. Postgres is the record of what must happen; a queue only carries
// the nudge. Two bindings with the same semantics: BullMQ (Redis) and an in-process runner.

/**
 * route: an inbound event to route; writeback: an owner write; sla: an SLA timer due; notify: a
 * notification to send (its own queue, so a slow Slack or SMTP never holds routing or owner writes).
 */
export type JobName = 'route' | 'writeback' | 'sla' | 'notify';

/** Every queue, in the order workers start. */
export const jobNames: readonly JobName[] = ['route', 'writeback', 'sla', 'notify'];

export type JobHandler = (payload: unknown, ctx: { attempt: number; jobId: string }) => Promise<void>;

export interface RetryPolicy {
  /** Total tries including the first. */
  attempts: number;
  /** Delay before try `attempt + 1`, after try `attempt` failed with `error`. */
  delayMs(attempt: number, error: unknown): number;
  /** True when the error must not be retried (a PermanentError). */
  isPermanent(error: unknown): boolean;
}

export interface JobEvents {
  /** Called once per job outcome; `final` is set when no more tries will follow. */
  onOutcome?(name: JobName, outcome: 'completed' | 'retry' | 'failed', durationMs: number): void;
  /** The last try failed (or the error was permanent): the caller records it in Postgres. */
  onFinalFailure?(name: JobName, payload: unknown, error: unknown): Promise<void>;
}

export interface QueueDepth {
  queue: JobName;
  state: 'waiting' | 'active' | 'delayed';
  count: number;
}

export interface JobQueue {
  readonly kind: 'bullmq' | 'in-process';
  /** Adds a job unless one with the same jobId is already waiting, delayed or running. */
  enqueue(name: JobName, payload: unknown, opts: { jobId: string; delayMs?: number }): Promise<void>;
  startWorkers(handlers: Record<JobName, JobHandler>, opts: { concurrency: number } & JobEvents): void;
  ping(): Promise<void>;
  /** Jobs the transport holds now, per queue: waiting, active (running), delayed (a retry or timer not due yet). For the queue_jobs gauge. */
  depth(): Promise<QueueDepth[]>;
  /** Stops taking jobs and waits for the running ones to finish. */
  close(): Promise<void>;
}
