// Process-wide redaction of credentials (ARCHITECTURE.md invariant 5).
//
// Contract: every credential this process holds or obtains is known here from the moment it
// exists (Secret's constructor registers its value; a connector that is issued a token it does not
// wrap in a Secret calls registerSecret), and three places scrub with it: every log line
// (src/logger.ts), every HTTP response body (src/http/app.ts), and every error text stored in
// Postgres (src/db). Process-wide on purpose: an access token a connector obtains an hour after
// start must be scrubbed from a log line or an error written by code that never saw the connector.
//
// Only imports nothing of ours, so every layer may use it.

export const REDACTED = '[redacted]';

/** Shorter values would blank out ordinary words in every log line; real credentials are long. */
const MIN_LENGTH = 8;
/**
 * Tokens refreshed every half hour would grow the set for ever; the oldest (long expired)
 * leave first. Configured secrets are registered at start and stay well inside this.
 */
const MAX_KNOWN = 512;

const known = new Set<string>();

/** Adds a credential to the redaction set (with the forms it takes inside JSON and URLs). */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string' || value.length < MIN_LENGTH) return;
  for (const form of new Set([value, JSON.stringify(value).slice(1, -1), safeUriComponent(value)])) {
    known.delete(form); // re-registering moves it to the young end
    known.add(form);
  }
  while (known.size > MAX_KNOWN) known.delete(known.values().next().value!);
}

/** Every known credential in `text` replaced by "[redacted]". Cheap when there is none (the usual case). */
export function redactSecrets(text: string): string {
  let out = text;
  for (const v of known) if (out.includes(v)) out = out.split(v).join(REDACTED);
  return out;
}

/** Paths that carry a credential in the URL itself. The Salesforce outbound token is the path's last segment. */
const secretPaths = /^(\/webhooks\/salesforce\/)[^/?#]+/;
const secretQuery = /([?&](?:access_token|token|api_key|apikey|key|signature|sig|code)=)[^&#]*/gi;

/** A request URL safe to log: path tokens and credential-looking query values replaced. */
export function redactUrl(url: string): string {
  return redactSecrets(url.replace(secretPaths, `$1${REDACTED}`).replace(secretQuery, `$1${REDACTED}`));
}

function safeUriComponent(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return v; // a lone surrogate: no URL form to match
  }
}
