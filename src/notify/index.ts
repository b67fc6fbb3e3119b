// Notifications, the pure half (docs/notifications.md): the config section, templates and their
// validation, and the planners that turn an event into outbox rows. Sending is in notifiers/.
export {
  notificationsSchema,
  repChannels,
  type NotificationsConfig,
  type NotificationsConfigInput,
  type RepChannel,
} from './config-schema.js';
export {
  notificationEvents,
  eventVariables,
  defaultTemplates,
  webhookType,
  type NotificationEvent,
  type Template,
} from './events.js';
export { renderTemplate, templateProblems, templateVariables } from './template.js';
export { validateNotifications, templateFor, recordUrlVariables, type RoutingRefs } from './validate.js';
export {
  planEvent,
  leadName,
  formatDuration,
  type PlanConfig,
  type PlannedNotification,
  type NotificationChannel,
} from './plan.js';
export {
  planLeadAssigned,
  planSlaWarning,
  planSlaBreach,
  planAssignmentNotifications,
  planBreachNotifications,
  planConflict,
  planDeadLetter,
  whyLine,
} from './plan-events.js';
export type { Delivery, Notifier, Notifiers, OutgoingNotification, SecretValue } from './channel.js';
