// The config of a notifications test, built from what that test sets: by default ana and bo
// (the reps the Slack stand-in knows, test/support/notify-channels.ts) share one round-robin pool
// that takes every lead, the web form maps email and firstName, and messages go out in quiet hours.
// The result is the function startNotifyChannels takes: it writes the receiver's URL into the
// webhooks. JSON is YAML, so the config file reads the text as it is.
import { apiLeadMappings } from '../builders/index.js';

type Obj = Record<string, unknown>;

export interface NotifyConfigOptions {
  /** The api/lead fields the mapping copies (same name both sides). */
  fields?: string[];
  /** The pool every lead goes to, and its settings beyond the round robin of ana and bo (an `sla`). */
  pool?: { id?: string } & Obj;
  /** Events the one webhook ("ops") subscribes to; none: no webhook. */
  webhookEvents?: string[];
  /** The `notifications` section beyond `quietHours: send` (and the webhook). */
  notifications?: Obj;
  /** Replace the default mappings, reps or rules (a test about another CRM or rule). */
  mappings?: Obj;
  reps?: Obj[];
  rules?: Obj[];
}

export const notifyReps = [
  { id: 'ana', name: 'Ana Lopez', email: 'ana@example.com' },
  { id: 'bo', name: 'Bo Chen', email: 'bo@example.com' },
];

export function notifyConfig(o: NotifyConfigOptions = {}): (webhookUrl: string) => string {
  const { id: poolId = 'inbound', ...poolSettings } = o.pool ?? {};
  const fields = o.fields ?? ['email', 'firstName'];
  return (webhookUrl) =>
    JSON.stringify({
      mappings: o.mappings ?? apiLeadMappings(...fields),
      routing: {
        reps: o.reps ?? notifyReps,
        pools: [{ id: poolId, strategy: 'round_robin', members: ['ana', 'bo'], ...poolSettings }],
        rules: o.rules ?? [{ id: 'everyone', when: { match: 'always' }, action: { pool: poolId } }],
      },
      notifications: {
        quietHours: 'send',
        ...o.notifications,
        ...(o.webhookEvents && { webhooks: [{ id: 'ops', url: webhookUrl, events: o.webhookEvents }] }),
      },
    });
}
