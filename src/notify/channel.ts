// The contract between the pipeline and the notification channels (notifiers/ implements it, as
// connectors/ implements src/connector.ts): one message in, the channel's
// answer out, or an AppError (NOTIFY_TEMPORARY: try again later; NOTIFY_REJECTED: a dead letter).
// Channels do I/O only; what to say and to whom was decided when the row was written.

/** A credential the composition root holds (src/config Secret): only reveal() gives the value. */
export interface SecretValue {
  reveal(): string;
}

export interface OutgoingNotification {
  /** The notification's id: the idempotency key on the wire (Slack metadata, webhook-id, Message-ID). */
  id: string;
  /** The webhook `type` (lead.assigned, ...). */
  type: string;
  /** slack: `email:<address>` or `channel:<id>`; email: the address; webhook: the URL. */
  target: string;
  subject: string;
  body: string;
  payload: Record<string, unknown>;
  /** When the row was written: the webhook's `timestamp`, and how far back Slack's history is read. */
  createdAt: Date;
}

/** What the channel answered, kept on the row. */
export type Delivery = Record<string, unknown>;

export interface Notifier {
  send(n: OutgoingNotification): Promise<Delivery>;
}

export interface Notifiers {
  slack?: Notifier;
  email?: Notifier;
  webhook?: Notifier;
}
