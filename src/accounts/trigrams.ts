// pg_trgm-style trigrams and similarity, in memory: each word is padded ("  acme ") and cut into
// three-character pieces; similarity is shared / (a + b - shared), 0..1, as pg_trgm's similarity().
// The index answers "names at least this similar" without comparing against every name: a name
// with similarity >= t to a query of q trigrams shares at least ceil(t * q) of them, so it must
// hold one of the query's q - ceil(t * q) + 1 rarest trigrams (prefix filtering). Only those
// postings are read; each candidate's remaining trigrams are checked by binary search in the
// other (sorted) postings, after a length filter on its trigram count.
// Memory at a million names: postings are Int32Arrays (4 bytes an id, not a JS array's 8), one
// per trigram, grown by half; a search counts candidates in one reused Uint8Array (no map per
// lead) and verifies only those the length filter lets through.

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

const empty = new Int32Array(0);

/** Whether ascending ids[0..length) holds `id`. */
function has(ids: Int32Array, length: number, id: number): boolean {
  let lo = 0;
  let hi = length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid]!;
    if (v === id) return true;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** Texts by a numeric id. Ids must be added in increasing order (postings stay sorted for binary
 *  search); a text is never removed: the caller says which ids are dead. */
export class TrigramIndex {
  /** Trigram -> its number; postings[n] holds lengths[n] ascending ids. */
  private readonly numbers = new Map<string, number>();
  private postings: Int32Array[] = [];
  private lengths = new Int32Array(256);
  /** Trigram count per id (capped at 255), for the length filter. */
  private sizes = new Uint8Array(1024);
  /** Per id, the number of prefix postings holding it during one search (all zero between searches). */
  private counts = new Uint16Array(1024);

  add(id: number, text: string): void {
    const grams = trigramsOf(text);
    if (id >= this.sizes.length) {
      const n = Math.max(id + 1, this.sizes.length * 2);
      this.sizes = grown(this.sizes, n);
      this.counts = new Uint16Array(n);
    }
    this.sizes[id] = Math.min(255, grams.size);
    for (const t of grams) {
      let n = this.numbers.get(t);
      if (n === undefined) {
        n = this.postings.length;
        this.numbers.set(t, n);
        this.postings.push(new Int32Array(4));
        if (n >= this.lengths.length) this.lengths = grown(this.lengths, this.lengths.length * 2);
      }
      const len = this.lengths[n]!;
      let list = this.postings[n]!;
      if (len === list.length) {
        list = grown(list, len + (len >> 1) + 4);
        this.postings[n] = list;
      }
      list[len] = id;
      this.lengths[n] = len + 1;
    }
  }

  /** Ids whose text scores >= threshold against the query, best first. `alive` says which ids still
   *  count. Past maxCandidates ids to check, the query is too common to tell apart and gets none. */
  search(query: string, threshold: number, alive: (id: number) => boolean, maxCandidates: number): TrigramHit[] {
    const grams = trigramsOf(query);
    const q = grams.size;
    if (q === 0) return [];
    // Rarest first (a stable sort: equal lengths keep the query's trigram order).
    const order: number[] = [];
    for (const t of grams) order.push(this.numbers.get(t) ?? -1);
    const lengthOf = (n: number) => (n < 0 ? 0 : this.lengths[n]!);
    order.sort((a, b) => lengthOf(a) - lengthOf(b));
    const listOf = (n: number) => (n < 0 ? empty : this.postings[n]!);
    // (At most 65,535 prefix postings, the counts' range: a name is far shorter.)
    const prefix = Math.min(q - Math.ceil(threshold * q) + 1, 65_535);
    // Length filter: similarity >= t needs t*q <= size <= q/t trigrams.
    const minSize = Math.ceil(threshold * q - 1e-9);
    const maxSize = Math.floor(q / threshold + 1e-9);
    const counts = this.counts;
    const sizes = this.sizes;
    // Every distinct id read counts toward maxCandidates; only those of a possible size are kept.
    const kept: number[] = [];
    let distinct = 0;
    let tooMany = false;
    const read: Array<Int32Array> = [];
    for (let i = 0; i < prefix && i < order.length && !tooMany; i++) {
      const list = listOf(order[i]!);
      const len = lengthOf(order[i]!);
      read.push(list);
      for (let j = 0; j < len; j++) {
        const id = list[j]!;
        const c = counts[id]!;
        if (c === 0) {
          if (++distinct > maxCandidates) {
            tooMany = true;
            break;
          }
          const size = sizes[id]!;
          if (size >= minSize && size <= maxSize) kept.push(id);
        }
        counts[id] = c + 1;
      }
    }
    const hits: TrigramHit[] = [];
    if (!tooMany)
      for (const id of kept) {
        if (!alive(id)) continue;
        const size = sizes[id]!;
        // Shared trigrams needed for this size: s / (q + size - s) >= t  <=>  s >= t (q + size) / (1 + t).
        const need = (threshold * (q + size)) / (1 + threshold) - 1e-9;
        let shared = counts[id]!;
        for (let i = prefix; i < order.length && shared + (order.length - i) >= need; i++)
          if (has(listOf(order[i]!), lengthOf(order[i]!), id)) shared++;
        if (shared >= need) hits.push({ id, score: shared / (q + size - shared) });
      }
    // Back to all zero for the next search: clear exactly what this one touched.
    for (let i = 0; i < read.length; i++) {
      const list = read[i]!;
      const len = lengthOf(order[i]!);
      for (let j = 0; j < len; j++) counts[list[j]!] = 0;
    }
    return hits.sort(byScore);
  }
}

function grown<T extends Int32Array | Uint8Array | Uint16Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

const byScore = (a: TrigramHit, b: TrigramHit) => b.score - a.score || a.id - b.id;
