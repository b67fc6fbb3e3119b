// pg_trgm-style trigrams and similarity, in memory: each word is padded ("  acme ") and cut into
// three-character pieces; similarity is shared / (a + b - shared), 0..1, as pg_trgm's similarity().
// The index answers "names at least this similar" without comparing against every name: a name
// with similarity >= t to a query of q trigrams shares at least ceil(t * q) of them, so it must
// hold one of the query's q - ceil(t * q) + 1 rarest trigrams (prefix filtering). Only those
// postings are read; each candidate's remaining trigrams are checked by binary search in the
// other (sorted) postings, after a length filter on its trigram count.

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

const noIds: readonly number[] = Object.freeze([]);

/** Whether an ascending list holds `id`. */
function has(list: readonly number[], id: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = list[mid]!;
    if (v === id) return true;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Texts by a numeric id. Ids must be added in increasing order (postings stay sorted for binary
 *  search); a text is never removed: the caller says which ids are dead. */
export class TrigramIndex {
  private readonly postings = new Map<string, number[]>();
  /** Trigram count per id (capped at 255), for the length filter. */
  private sizes = new Uint8Array(1024);

  add(id: number, text: string): void {
    const grams = trigramsOf(text);
    if (id >= this.sizes.length) {
      const bigger = new Uint8Array(Math.max(id + 1, this.sizes.length * 2));
      bigger.set(this.sizes);
      this.sizes = bigger;
    }
    this.sizes[id] = Math.min(255, grams.size);
    for (const t of grams) {
      const list = this.postings.get(t);
      if (list) list.push(id);
      else this.postings.set(t, [id]);
    }
  }

  /** Ids whose text scores >= threshold against the query, best first. `alive` says which ids still
   *  count. Past maxCandidates ids to check, the query is too common to tell apart and gets none. */
  search(query: string, threshold: number, alive: (id: number) => boolean, maxCandidates: number): TrigramHit[] {
    const grams = trigramsOf(query);
    const q = grams.size;
    if (q === 0) return [];
    const lists = [...grams].map((t) => this.postings.get(t) ?? noIds).sort((a, b) => a.length - b.length);
    const prefix = q - Math.ceil(threshold * q) + 1;
    const seen = new Map<number, number>();
    for (let i = 0; i < prefix && i < lists.length; i++)
      for (const id of lists[i]!) {
        seen.set(id, (seen.get(id) ?? 0) + 1);
        if (seen.size > maxCandidates) return [];
      }
    // Length filter: similarity >= t needs t*q <= size <= q/t trigrams.
    const minSize = Math.ceil(threshold * q - 1e-9);
    const maxSize = Math.floor(q / threshold + 1e-9);
    const hits: TrigramHit[] = [];
    for (const [id, inPrefix] of seen) {
      const size = this.sizes[id]!;
      if (size < minSize || size > maxSize || !alive(id)) continue;
      // Shared trigrams needed for this size: s / (q + size - s) >= t  <=>  s >= t (q + size) / (1 + t).
      const need = (threshold * (q + size)) / (1 + threshold) - 1e-9;
      let shared = inPrefix;
      for (let i = prefix; i < lists.length && shared + (lists.length - i) >= need; i++)
        if (has(lists[i]!, id)) shared++;
      const score = shared / (q + size - shared);
      if (shared >= need) hits.push({ id, score });
    }
    return hits.sort(byScore);
  }
}

const byScore = (a: TrigramHit, b: TrigramHit) => b.score - a.score || a.id - b.id;
