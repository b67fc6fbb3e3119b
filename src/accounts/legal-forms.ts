// Legal-form suffixes ("GmbH", "Inc.", "S.A.", "Pty Ltd") from the generated list in
// legal-forms.json (its source and generator are named there), normalized the way names are,
// so "Acme G.m.b.H." and "ACME" compare equal. Kept as token strings: "pty ltd", "s de rl".
import data from './legal-forms.json' with { type: 'json' };
import { nameTokens } from './name-tokens.js';

const forms = new Set<string>();
let longest = 1;
for (const term of (data as { terms: string[] }).terms) {
  const tokens = nameTokens(term);
  if (tokens.length === 0) continue;
  forms.add(tokens.join(' '));
  longest = Math.max(longest, tokens.length);
}

/** Removes trailing legal forms (repeatedly: "Acme Holding GmbH & Co. KG"), never every token. */
export function withoutLegalForms(tokens: string[]): string[] {
  let end = tokens.length;
  for (;;) {
    let cut = 0;
    for (let n = Math.min(longest, end - 1); n >= 1 && cut === 0; n--)
      if (forms.has(tokens.slice(end - n, end).join(' '))) cut = n;
    if (cut === 0) break;
    end -= cut;
  }
  return end === tokens.length ? tokens : tokens.slice(0, end);
}
