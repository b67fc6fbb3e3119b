// pg_trgm-style trigrams and similarity, in memory: each word is padded ("  acme ") and cut into
// three-character pieces; similarity is shared / (a + b - shared), 0..1, as pg_trgm's similarity().
// The index answers "names at least this similar" without comparing against every name: a name
// with similarity >= t to a query of q trigrams shares at least ceil(t * q) of them, so it must
// hold one of the query's q - ceil(t * q) + 1 rarest trigrams (prefix filtering). Only those
// postings are read, then each candidate is scored exactly.

export function trigramsOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of text.split(' ')) {
    if (word.length === 0) continue;
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  }
  return out;
}

export function similarityOf(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

export interface TrigramHit {
  id: number;
  score: number;
}

/** Texts by a numeric id (ids are the caller's; a text is added once and never removed: the caller skips dead ids). */
export class TrigramIndex {
  private readonly postings = new Map<string, number[]>();

  add(id: number, text: string): void {
    for (const t of trigramsOf(text)) {
      const list = this.postings.get(t);
      if (list) list.push(id);
      else this.postings.set(t, [id]);
    }
  }

  /** Ids whose text scores >= threshold against the query, best first; `textOf` gives an id's text (undefined: dead). */
  search(
    query: string,
    threshold: number,
    textOf: (id: number) => string | undefined,
    maxCandidates: number,
  ): TrigramHit[] {
    const q = trigramsOf(query);
    if (q.size === 0) return [];
    const lists = [...q].map((t) => this.postings.get(t) ?? []).sort((a, b) => a.length - b.length);
    const prefix = q.size - Math.ceil(threshold * q.size) + 1;
    const seen = new Set<number>();
    const hits: TrigramHit[] = [];
    for (let i = 0; i < prefix && i < lists.length; i++) {
      for (const id of lists[i]!) {
        if (seen.has(id)) continue;
        seen.add(id);
        // Bounded work per lead: a query made only of very common trigrams gives up rather than scan the index.
        if (seen.size > maxCandidates) return hits.sort(byScore);
        const text = textOf(id);
        if (text === undefined) continue;
        const score = similarityOf(q, trigramsOf(text));
        if (score >= threshold) hits.push({ id, score });
      }
    }
    return hits.sort(byScore);
  }
}

const byScore = (a: TrigramHit, b: TrigramHit) => b.score - a.score || a.id - b.id;
