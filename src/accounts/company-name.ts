// The normalized company name that names are indexed and compared by: tokens (name-tokens.ts)
// without trailing legal forms (legal-forms.ts) or a leading "the", joined by one space.
// "The Acme Company, Inc." and "ACME" both give "acme"; "Smith & Sons Ltd" gives "smith and sons".
import { withoutLegalForms } from './legal-forms.js';
import { nameTokens } from './name-tokens.js';

export function normalizeCompanyName(name: string): string {
  let tokens = nameTokens(name);
  if (tokens.length > 1 && tokens[0] === 'the') tokens = tokens.slice(1);
  return withoutLegalForms(tokens).join(' ');
}
