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
  private readonly holders: AccountEntry[][] = [];
  private readonly trigrams = new TrigramIndex();

  add(entry: AccountEntry): void {
    if (entry.name === '') return;
    let id = this.ids.get(entry.name);
    if (id === undefined) {
      id = this.texts.length;
      this.ids.set(entry.name, id);
      this.texts.push(entry.name);
      this.holders.push([]);
      this.trigrams.add(id, entry.name);
    }
    this.holders[id]!.push(entry);
  }

  remove(entry: AccountEntry): void {
    const id = this.ids.get(entry.name);
    if (id === undefined) return;
    const list = this.holders[id]!;
    const i = list.indexOf(entry);
    if (i >= 0) list.splice(i, 1);
  }

  exact(name: string): readonly AccountEntry[] {
    const id = this.ids.get(name);
    return id === undefined ? [] : this.holders[id]!;
  }

  /** Names other than `name` itself scoring >= threshold, best first. */
  similar(name: string, threshold: number): SimilarName[] {
    const self = this.ids.get(name);
    const alive = (id: number) => id !== self && this.holders[id]!.length > 0;
    return this.trigrams
      .search(name, threshold, alive, maxCandidates)
      .map((hit) => ({ score: hit.score, entries: this.holders[hit.id]! }));
  }
}
