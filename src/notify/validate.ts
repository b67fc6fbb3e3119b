// The checks of the notifications section zod cannot make: every template's variables exist for
// its event (a typo would send "{{leadname}}" to every rep), and every rep and pool it names
// exists. Run beside the routing checks, so a bad template is refused at validate with its path.
import { fieldPath, type FieldIssue } from '../errors.js';
import { defaultTemplates, eventVariables, type NotificationEvent } from './events.js';
import type { NotificationsConfig } from './config-schema.js';
import { templateProblems } from './template.js';

/** Variables a record link may use. */
export const recordUrlVariables = ['recordId', 'objectType', 'crm'] as const;

/** The routing parts this needs; items that failed the schema are holes (undefined). */
export interface RoutingRefs {
  reps: ReadonlyArray<{ id: string; email?: string | undefined } | undefined>;
  pools: ReadonlyArray<{ id: string } | undefined>;
}

export function validateNotifications(
  n: NotificationsConfig,
  routing: RoutingRefs,
  base = 'notifications',
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (...parts: string[]) => fieldPath(parts, base);
  for (const [event, t] of Object.entries(n.templates) as Array<
    [NotificationEvent, { subject?: string; text: string }]
  >) {
    for (const part of ['subject', 'text'] as const) {
      const text = t[part];
      if (text === undefined) continue;
      for (const message of templateProblems(text, eventVariables[event]))
        issues.push({ path: at('templates', event, part), message });
    }
  }
  for (const [crm, url] of Object.entries(n.recordUrls))
    if (url !== undefined)
      for (const message of templateProblems(url, recordUrlVariables))
        issues.push({ path: at('recordUrls', crm), message });

  const reps = new Map(routing.reps.flatMap((r) => (r ? [[r.id, r] as const] : [])));
  const pools = new Set(routing.pools.flatMap((p) => (p ? [p.id] : [])));
  for (const [repId, pref] of Object.entries(n.reps)) {
    const rep = reps.get(repId);
    if (!rep) {
      issues.push({ path: at('reps', repId), message: `names rep "${repId}", which does not exist in routing.reps` });
      continue;
    }
    const channel = pref.channel ?? n.defaultChannel;
    if (channel !== 'none' && !pref.email && !rep.email)
      issues.push({
        path: at('reps', repId, 'channel'),
        message: `${channel} needs the rep's email address (routing.reps email, or email here), and rep "${repId}" has none`,
      });
  }
  for (const poolId of Object.keys(n.pools))
    if (!pools.has(poolId))
      issues.push({
        path: at('pools', poolId),
        message: `names pool "${poolId}", which does not exist in routing.pools`,
      });
  const seen = new Set<string>();
  n.webhooks.forEach((w, i) => {
    if (seen.has(w.id))
      issues.push({ path: fieldPath([i, 'id'], `${base}.webhooks`), message: `duplicate webhook id "${w.id}"` });
    seen.add(w.id);
  });
  return issues;
}

/** The template an event renders with: the config's parts over the built-in ones. */
export function templateFor(n: Pick<NotificationsConfig, 'templates'>, event: NotificationEvent) {
  const own = n.templates[event];
  return { subject: own?.subject ?? defaultTemplates[event].subject, text: own?.text ?? defaultTemplates[event].text };
}
