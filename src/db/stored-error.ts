// Error text we keep in Postgres (inbound_events.last_error, outbox.last_error) is shown later by
// the admin API and read by operators: it goes through the process-wide scrub of known
// credentials first (src/redact.ts), because it is often a CRM's message, which may echo a token
// we sent. Cut after the scrub, so no cut can leave a secret's prefix that no longer matches.
import { redactSecrets } from '../redact.js';

const MAX_LENGTH = 2000;

export function storedError(text: string): string {
  const out = redactSecrets(text);
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH)}...` : out;
}
