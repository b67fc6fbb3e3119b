// The events that notify, the variables each offers its templates, and the built-in templates
// used when the config has none for an event.
export const notificationEvents = ['leadAssigned', 'slaWarning', 'slaBreach', 'conflict', 'deadLetter'] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

/** The names on the wire (webhook `type`): dotted, as Standard Webhooks examples use. */
export const webhookType: Record<NotificationEvent, string> = {
  leadAssigned: 'lead.assigned',
  slaWarning: 'lead.sla_warning',
  slaBreach: 'lead.sla_breached',
  conflict: 'lead.conflict',
  deadLetter: 'dead_letter.created',
};

/** What every event about a lead offers. */
const leadVariables = [
  'leadName',
  'leadLabel',
  'leadEmail',
  'company',
  'country',
  'crm',
  'objectType',
  'recordId',
  'recordUrl',
  'repId',
  'repName',
] as const;

export const eventVariables: Record<NotificationEvent, readonly string[]> = {
  leadAssigned: [...leadVariables, 'why', 'pool', 'rule', 'speed', 'speedSeconds'],
  slaWarning: [...leadVariables, 'pool', 'dueAt', 'minutesLeft'],
  slaBreach: [...leadVariables, 'pool', 'breachedRepId', 'breachedRepName', 'action'],
  conflict: [...leadVariables, 'routerRepId', 'crmOwnerId', 'changedBy', 'policy', 'outcome'],
  deadLetter: ['kind', 'id', 'code', 'error', 'crm', 'objectType', 'recordId', 'recordUrl'],
};

export interface Template {
  subject: string;
  text: string;
}

export const defaultTemplates: Record<NotificationEvent, Template> = {
  leadAssigned: {
    subject: 'New lead: {{leadLabel}}',
    text: 'New lead for {{repName}}: {{leadLabel}}, {{leadEmail}}. Why: {{why}}. {{speed}} since it arrived. {{recordUrl}}',
  },
  slaWarning: {
    subject: 'Lead waiting: {{leadLabel}}, {{minutesLeft}} min left',
    text: '{{repName}}, {{leadLabel}} is still unclaimed: {{minutesLeft}} min left before it is reassigned ({{dueAt}}). {{recordUrl}}',
  },
  slaBreach: {
    subject: 'Lead reassigned to you: {{leadLabel}}',
    text: '{{leadLabel}} is yours now: {{breachedRepName}} did not claim it in time ({{action}}). {{recordUrl}}',
  },
  conflict: {
    subject: 'Owner changed by hand: {{leadLabel}}',
    text: 'The owner of {{leadLabel}} was changed in {{crm}} by {{changedBy}} (routing chose {{routerRepId}}): {{policy}} -> {{outcome}}. {{recordUrl}}',
  },
  deadLetter: {
    subject: 'Dead letter: {{kind}} {{code}}',
    text: 'A {{kind}} was given up ({{code}}: {{error}}); replay it with lead-router replay --id {{id}}. {{recordUrl}}',
  },
};
