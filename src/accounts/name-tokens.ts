// The words of a company name with case, accents and punctuation gone: "Müller & Söhne, Inc."
// -> ["muller", "and", "sohne", "inc"]. Dots and apostrophes join ("S.A." -> "sa", "O'Neil" ->
// "oneil"); every other non-letter, non-digit separates. "&" and "+" read as "and".
const marks = /[\u0300-\u036f]/g;
const joiners = /[.'’`]/g;
const separators = /[^\p{L}\p{N}]+/u;

export function nameTokens(name: string): string[] {
  const plain = name.normalize('NFKD').replace(marks, '').toLowerCase().replace(/[&+]/g, ' and ').replace(joiners, '');
  return plain.split(separators).filter((t) => t.length > 0);
}
