// One normalisation for name lookups (countries, regions): CRMs hold "Côte d'Ivoire",
// "cote divoire" and "U.S.A." for the same thing, so case, accents and punctuation must not matter.
const marks = /\p{M}+/gu;
const dropped = /[.'’`]/g;
const separators = /[^\p{L}\p{N}]+/gu;

/** "  Côte d'Ivoire " -> "cote divoire"; "U.S.A." -> "usa"; "The Netherlands" -> "netherlands". */
export function textKey(value: string): string {
  const key = value
    .normalize('NFD')
    .replace(marks, '')
    .toLowerCase()
    .replace(dropped, '')
    .replace(separators, ' ')
    .trim();
  return key.startsWith('the ') ? key.slice(4) : key;
}
