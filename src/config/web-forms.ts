// Web forms that post straight to POST /v1/forms/:source (docs/web-forms.md), one per source,
// from env WEB_FORMS (inline JSON, or @path to a JSON/YAML file, like the connector configs).
// A form's public key is not a secret: it sits in the page's HTML. It only lets a browser create
// leads for its own source, from the origins listed here; the secret intake keys
// (INTAKE_API_KEYS) stay server-side. Parsed once at the composition root; a bad entry stops
// `serve` with the path of each problem.
import { z } from 'zod';
import { fieldPath } from '../errors.js';
import { readConnectorConfig } from './connector-config.js';
import { zodIssues } from './document.js';
import type { Secret } from './secret.js';

/** Form fields the route reads itself; a honeypot may not take one of these names. */
export const reservedFormFields = ['_key', '_redirect', '_idempotencyKey'] as const;

/** `https://www.example.com` or `http://localhost:8080`: scheme, host and port, nothing else. */
const origin = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s;
    } catch {
      return false;
    }
  },
  {
    message:
      'is not an origin: write scheme://host[:port] with no path or trailing slash, e.g. https://www.example.com',
  },
);

export const webFormSchema = z.strictObject({
  /** Embedded in the page as the hidden `_key` field; 16+ letters, digits, `_` or `-`. */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{16,200}$/, 'must be 16 to 200 letters, digits, _ or -'),
  /** Pages allowed to post this form (their Origin header) and to be redirected to after it. */
  allowedOrigins: z.array(origin).min(1, 'name at least one origin (the page the form is on)'),
  /** A field hidden from people; a post with it filled is answered as a success and dropped. */
  honeypotField: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1 to 100 letters, digits, _, . or -')
    .refine((s) => !(reservedFormFields as readonly string[]).includes(s), {
      message: `may not be one of ${reservedFormFields.join(', ')}`,
    })
    .default('_gotcha'),
});

const sourceName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'a source name is 1 to 100 letters, digits, _, . or -');
export const webFormsSchema = z.record(sourceName, webFormSchema);

export type WebForm = z.infer<typeof webFormSchema>;
/** Source name -> its form. */
export type WebForms = ReadonlyMap<string, WebForm>;

/**
 * WEB_FORMS from env, checked whole: every problem named by its path (`WEB_FORMS.website.allowedOrigins[0]`).
 * A public key equal to a secret intake key is refused: it would publish that key.
 */
export function parseWebForms(value: string | undefined, intakeKeys: readonly Secret[] = []): WebForms {
  const raw = readConnectorConfig('WEB_FORMS', value);
  if (raw === undefined) return new Map();
  const parsed = webFormsSchema.safeParse(raw);
  if (!parsed.success) {
    // A bad source name is reported with its own reason, not zod's "Invalid key in record".
    const keyReasons = new Map(
      parsed.error.issues.flatMap((i) =>
        i.code === 'invalid_key' ? [[fieldPath(i.path, 'WEB_FORMS'), i.issues[0]?.message ?? i.message] as const] : [],
      ),
    );
    const lines = zodIssues(parsed.error, 'WEB_FORMS', webFormsSchema).map(
      (i) => `  ${i.path}: ${keyReasons.get(i.path) ?? i.message}`,
    );
    throw new Error(`WEB_FORMS is not valid:\n${lines.join('\n')}`);
  }
  const secret = new Set(intakeKeys.map((k) => k.reveal()));
  const clashes = Object.entries(parsed.data).filter(([, f]) => secret.has(f.publicKey));
  if (clashes.length > 0) {
    throw new Error(
      `WEB_FORMS is not valid:\n${clashes.map(([s]) => `  ${fieldPath([s, 'publicKey'], 'WEB_FORMS')}: is one of INTAKE_API_KEYS; a public key is visible in the page, so give the form its own`).join('\n')}`,
    );
  }
  return new Map(Object.entries(parsed.data));
}
