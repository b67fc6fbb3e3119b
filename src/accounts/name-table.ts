// Accounts by normalized name: exact lookups in a map, similar ones through the trigram index.
// A name keeps its numeric id for the life of the index (the trigram postings refer to it); a
// name no account holds any more is skipped, not unindexed.
import type { AccountEntry } from './account-entry.js';
import { TrigramIndex } from './trigrams.js';

export interface SimilarName {
  score: number;
  entries: readonly AccountEntry[];
}

// Above this many names to score for one lead, the lookup stops (a p99 bound, not a relevance one).
const maxCandidates = 5_000;

export class NameTable {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];
  /** Per name id: its accounts; a lone account is held without a list (most names have one). */
  private readonly holders: Array<AccountEntry | AccountEntry[] | null> = [];

  private holdersOf(id: number): readonly AccountEntry[] {
    const h = this.holders[id];
    return h === null || h === undefined ? [] : Array.isArray(h) ? h : [h];
  }
  private readonly trigrams = new TrigramIndex();

  add(entry: AccountEntry): void {
    if (entry.name === '') return;
    let id = this.ids.get(entry.name);
    if (id === undefined) {
      id = this.texts.length;
      this.ids.set(entry.name, id);
      this.texts.push(entry.name);
      this.holders.push(null);
      this.trigrams.add(id, entry.name);
    }
    const h = this.holders[id]!;
    this.holders[id] = h === null ? entry : Array.isArray(h) ? [...h, entry] : [h, entry];
  }

  remove(entry: AccountEntry): void {
    const id = this.ids.get(entry.name);
    if (id === undefined) return;
    const rest = this.holdersOf(id).filter((e) => e !== entry);
    this.holders[id] = rest.length === 0 ? null : rest.length === 1 ? rest[0]! : rest;
  }

  exact(name: string): readonly AccountEntry[] {
    const id = this.ids.get(name);
    return id === undefined ? [] : this.holdersOf(id);
  }

  /** Names other than `name` itself scoring >= threshold, best first. */
  similar(name: string, threshold: number): SimilarName[] {
    const self = this.ids.get(name);
    const alive = (id: number) => id !== self && this.holders[id] !== null;
    return this.trigrams
      .search(name, threshold, alive, maxCandidates)
      .map((hit) => ({ score: hit.score, entries: this.holdersOf(hit.id) }));
  }
}
