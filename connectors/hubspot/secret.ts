import { scrubSecrets, Secret } from '../../src/config/index.js';

export { Secret };

/**
 * Make text we did not write (a CRM's error message) safe to show: every secret's value becomes
 * "[redacted]", then the text is cut to maxLength. In that order: cutting first could leave a
 * secret's prefix behind that no longer matches.
 */
export function redact(text: string, secrets: readonly Secret[], maxLength = 500): string {
  const out = scrubSecrets(text, secrets);
  return out.length > maxLength ? `${out.slice(0, maxLength)}...` : out;
}
