// What an event says to whom: the notification rows to write in the event's own transaction
// (docs/notifications.md). Pure: the caller passes the config, the facts and `now`, and stores
// the rows beside the assignment (or breach, conflict, dead letter) they are about. So a
// notification exists exactly when its event committed, and a replanned event (a retried batch)
// yields the same dedupe keys, which the table's unique index turns into no second row.
import type { Lead } from '../lead/index.js';
import { nextWorkingInstant, type Rep, type RoutingConfig } from '../routing/index.js';
import type { NotificationsConfig } from './config-schema.js';
import { webhookType, type NotificationEvent } from './events.js';
import { renderTemplate } from './template.js';
import { templateFor } from './validate.js';

export type NotificationChannel = 'slack' | 'email' | 'webhook';

export interface PlannedNotification {
  event: NotificationEvent;
  channel: NotificationChannel;
  /** slack: `email:<address>` (a DM to whoever has it) or `channel:<id>`; email: the address; webhook: the URL. */
  target: string;
  repId: string | null;
  /** One per (event occurrence, channel, target). */
  dedupeKey: string;
  subject: string;
  body: string;
  /** The webhook's `data`: the variables and the ids a receiving system joins on. */
  payload: Record<string, unknown>;
  /** Not before this instant (quiet hours, an SLA warning's time); null: at once. */
  notBefore: Date | null;
}

export interface PlanConfig {
  routing: Pick<RoutingConfig, 'reps' | 'schedules' | 'holidayCalendars'>;
  notifications?: NotificationsConfig | undefined;
}

type Vars = Record<string, string | number | undefined>;

/** Who hears about one occurrence of an event. */
interface Audience {
  /** The rep it is about (their own channel, quiet hours apply). */
  repId?: string | undefined;
  /** The pool whose Slack channel hears too. */
  poolId?: string | null | undefined;
  /** Operations (conflicts, dead letters): the ops channel and address. */
  ops?: boolean;
}

export function leadName(lead: Partial<Lead>): string {
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ');
  return name || lead.email || lead.source?.id || 'a lead';
}

/** "42s", "3 min 5s", "2 h 10 min": speed-to-lead as a rep reads it. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60}s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function recordUrl(n: NotificationsConfig | undefined, source: Lead['source']): string | undefined {
  const t = n?.recordUrls[source.crm];
  return t === undefined
    ? undefined
    : renderTemplate(t, { recordId: encodeURIComponent(source.id), objectType: source.objectType, crm: source.crm });
}

export function leadVars(cfg: PlanConfig, lead: Lead, repId: string | undefined): Vars {
  const rep = repId ? cfg.routing.reps.find((r) => r.id === repId) : undefined;
  return {
    leadName: leadName(lead),
    /** The name, with the company when there is one: "Lu Ng (Acme)". */
    leadLabel: lead.company ? `${leadName(lead)} (${lead.company})` : leadName(lead),
    leadEmail: lead.email,
    company: lead.company,
    country: lead.country,
    crm: lead.source.crm,
    objectType: lead.source.objectType,
    recordId: lead.source.id,
    recordUrl: recordUrl(cfg.notifications, lead.source),
    repId,
    repName: rep ? (rep.name ?? rep.id) : repId,
  };
}

/** The address a rep is reached at, and on which channel; undefined: they hear nothing. */
function repChannel(n: NotificationsConfig, rep: Rep): { channel: 'slack' | 'email'; address: string } | undefined {
  const pref = n.reps[rep.id];
  const channel = pref?.channel ?? n.defaultChannel;
  const address = pref?.email ?? rep.email;
  return channel === 'none' || !address ? undefined : { channel, address };
}

/**
 * The rows for one occurrence of `event`. `key` names the occurrence (the assignment's event id,
 * the SLA timer, the dead row): with channel and target it is the dedupe key. `at` is when the
 * rows may go at the earliest (an SLA warning's time); quiet hours may move a rep's row later.
 */
export function planEvent(
  cfg: PlanConfig,
  event: NotificationEvent,
  key: string,
  audience: Audience,
  vars: Vars,
  opts: { now: Date; at?: Date },
): PlannedNotification[] {
  const n = cfg.notifications;
  if (!n) return [];
  const template = templateFor(n, event);
  const subject = renderTemplate(template.subject, vars);
  const body = renderTemplate(template.text, vars);
  const payload = Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined));
  const at = opts.at && opts.at > opts.now ? opts.at : null;
  const rows: PlannedNotification[] = [];
  const add = (channel: NotificationChannel, target: string, repId: string | null, notBefore: Date | null) =>
    rows.push({
      event,
      channel,
      target,
      repId,
      dedupeKey: `${event}:${key}:${channel}:${target}`,
      subject,
      body,
      payload,
      notBefore,
    });

  const rep = audience.repId ? cfg.routing.reps.find((r) => r.id === audience.repId) : undefined;
  const reach = rep && repChannel(n, rep);
  if (rep && reach) {
    const from = at ?? opts.now;
    const when = n.quietHours === 'wait' ? nextWorkingInstant(from, rep, cfg.routing) : from;
    add(
      reach.channel,
      reach.channel === 'slack' ? `email:${reach.address}` : reach.address,
      rep.id,
      when > opts.now ? when : null,
    );
  }
  const poolChannel = audience.poolId ? n.pools[audience.poolId]?.slackChannel : undefined;
  if (poolChannel) add('slack', `channel:${poolChannel}`, audience.repId ?? null, at);
  if (audience.ops) {
    if (n.ops.slackChannel) add('slack', `channel:${n.ops.slackChannel}`, null, at);
    if (n.ops.email) add('email', n.ops.email, null, at);
  }
  for (const w of n.webhooks) if (w.events.includes(event)) add('webhook', w.url, audience.repId ?? null, at);
  return rows;
}

export { webhookType };
