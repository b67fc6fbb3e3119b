// A credential (API key, token, client secret) that cannot leak by accident: string
// interpolation, JSON.stringify, util.inspect and pino all print "[redacted]". Only reveal()
// gives the value, called at the one place it goes on the wire.
import { inspect } from 'node:util';
import { registerSecret } from '../redact.js';

const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
    registerSecret(value); // known to every log line, response and stored error from now on (src/redact.ts)
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Replaces every secret's value in text we did not write (a CRM's error echoing a request). */
export function scrubSecrets(text: string, secrets: readonly Secret[]): string {
  let out = text;
  for (const s of secrets) {
    const v = s.reveal();
    // Very short values would blank out ordinary words; real secrets are long.
    if (v.length >= 4) out = out.split(v).join(REDACTED);
  }
  return out;
}
