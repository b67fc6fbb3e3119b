// Country names as CRMs hold them -> ISO 3166-1 alpha-2. Names come from i18n-iso-countries in
// the languages our customers' forms use; the table is built once at import and read-only after.
import countries from 'i18n-iso-countries';
import de from 'i18n-iso-countries/langs/de.json' with { type: 'json' };
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import es from 'i18n-iso-countries/langs/es.json' with { type: 'json' };
import fr from 'i18n-iso-countries/langs/fr.json' with { type: 'json' };
import it from 'i18n-iso-countries/langs/it.json' with { type: 'json' };
import nl from 'i18n-iso-countries/langs/nl.json' with { type: 'json' };
import pt from 'i18n-iso-countries/langs/pt.json' with { type: 'json' };
import { textKey } from './text-key.js';

type LocaleNames = { countries: Record<string, string | string[]> };

// Common spellings the locale files lack. UK constituent countries route as GB.
const aliases: Record<string, string> = {
  England: 'GB',
  Scotland: 'GB',
  Wales: 'GB',
  'Northern Ireland': 'GB',
  Britain: 'GB',
  Holland: 'NL',
  'Viet Nam': 'VN',
  Czechia: 'CZ',
  'Republic of Ireland': 'IE',
};

const alpha2 = new Set(Object.keys(countries.getAlpha2Codes()));
const byName = buildNameTable([en, de, fr, es, it, nl, pt] as LocaleNames[]);
// Most CRM values are spelled exactly as a locale file spells them: look those up before
// paying for textKey's accent and punctuation folding.
const byExactName = new Map<string, string>();
for (const locale of [en, de, fr, es, it, nl, pt] as LocaleNames[]) {
  for (const names of Object.values(locale.countries)) {
    for (const name of Array.isArray(names) ? names : [names]) {
      const code = byName.get(textKey(name));
      if (code && !byExactName.has(name)) byExactName.set(name, code);
    }
  }
}

function buildNameTable(locales: LocaleNames[]): Map<string, string> {
  const table = new Map<string, string>();
  for (const [name, code] of Object.entries(aliases)) table.set(textKey(name), code);
  for (const locale of locales) {
    const seen = new Map<string, string>();
    for (const [code, names] of Object.entries(locale.countries)) {
      for (const name of Array.isArray(names) ? names : [names]) {
        const key = textKey(name);
        // "Congo" names two countries in the same language: refuse to guess, a human must look.
        if (seen.has(key) && seen.get(key) !== code) table.set(key, '');
        seen.set(key, code);
        // An earlier (more common) language wins a clash between languages.
        if (!table.has(key)) table.set(key, code);
      }
    }
  }
  return table;
}

/**
 * ISO 3166-1 alpha-2 for a code (alpha-2, alpha-3) or a country name in en/de/fr/es/it/nl/pt
 * ("Germany", "Deutschland", "DEU", "de" -> "DE"), or undefined when unknown or ambiguous.
 */
export function toCountryCode(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed.length === 2) {
    const upper = trimmed.toUpperCase();
    if (alpha2.has(upper)) return upper;
  } else if (trimmed.length === 3) {
    const code = countries.alpha3ToAlpha2(trimmed.toUpperCase());
    if (code) return code;
  }
  return byExactName.get(trimmed) ?? (byName.get(textKey(trimmed)) || undefined);
}

/** True for an assigned ISO 3166-1 alpha-2 code, upper-case. */
export function isCountryCode(value: string): boolean {
  return alpha2.has(value);
}
