// The `notifications` section of the config document (docs/notifications.md): who hears about
// what, on which channel, with which words. Secrets (Slack token, SMTP password, webhook signing
// secret) are never here: they come from env.
import { z } from 'zod';
import { id } from '../routing/index.js';
import { notificationEvents } from './events.js';

export const repChannels = ['slack', 'email', 'none'] as const;
export type RepChannel = (typeof repChannels)[number];

const templateSchema = z.strictObject({
  subject: z.string().min(1).max(300).optional(),
  text: z.string().min(1).max(3000),
});

const eventName = z.enum(notificationEvents);

export const notificationsSchema = z.strictObject({
  /** How reps hear about their leads unless `reps` says otherwise: slack (a DM found by their email), email, or none. */
  defaultChannel: z.enum(repChannels).default('none'),
  /** Per-rep preferences, by rep id. */
  reps: z
    .record(
      id,
      z.strictObject({
        channel: z.enum(repChannels).optional(),
        /** Address to use instead of the rep's email (for email, and to find them in Slack). */
        email: z.string().email().optional(),
      }),
    )
    .default({}),
  /** A Slack channel (id, e.g. C0123ABC) per pool: its assignments and SLA events are posted there too. */
  pools: z.record(id, z.strictObject({ slackChannel: z.string().min(1) })).default({}),
  /** Where conflicts and dead letters go (operations, not a rep). */
  ops: z.strictObject({ slackChannel: z.string().min(1).optional(), email: z.string().email().optional() }).default({}),
  /** Signed outbound webhooks (Standard Webhooks); the signing secret is WEBHOOK_SIGNING_SECRET. */
  webhooks: z
    .array(
      z.strictObject({
        id,
        url: z.string().url(),
        events: z.array(eventName).min(1),
      }),
    )
    .default([]),
  /**
   * A rep's quiet hours are the time outside their working hours (and holidays). wait: a message
   * for them waits until they work again; send: it goes at once.
   */
  quietHours: z.enum(['wait', 'send']).default('wait'),
  /** Warn the rep this many minutes before their SLA runs out; absent: no warning. */
  slaWarningMinutes: z.number().int().positive().max(10_080).optional(),
  /** Link to a CRM record, with {{recordId}} and {{objectType}}; absent: no link. */
  recordUrls: z
    .strictObject({
      hubspot: z.string().min(1).optional(),
      salesforce: z.string().min(1).optional(),
      api: z.string().min(1).optional(),
    })
    .default({}),
  /** Per-event wording; absent events use the built-in templates. */
  templates: z.partialRecord(eventName, templateSchema).default({}),
});

export type NotificationsConfig = z.infer<typeof notificationsSchema>;
export type NotificationsConfigInput = z.input<typeof notificationsSchema>;
