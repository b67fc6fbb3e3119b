// Accounts (by slot, account-store.ts) by normalized name: exact lookups in a map, similar ones
// through the trigram index. A name keeps its numeric id for the life of the index (the trigram
// postings refer to it); a name no account holds any more is skipped, not unindexed.
import { TrigramIndex } from './trigrams.js';

export interface SimilarName {
  score: number;
  /** The name's id: holdersOf(id) are its accounts. */
  id: number;
}

// Above this many names to score for one lead, the lookup stops (a p99 bound, not a relevance one).
const maxCandidates = 5_000;

export class NameTable {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];
  /** Per name id: its account slots; a lone slot is held without a list (most names have one), -1 none. */
  private readonly holders: Array<number | number[]> = [];
  /** Per slot: its name id, -1 when it has none. */
  private nameOfSlot = new Int32Array(1024).fill(-1);
  private readonly trigrams = new TrigramIndex();

  holdersOf(id: number): readonly number[] {
    const h = this.holders[id];
    return h === undefined || h === -1 ? [] : typeof h === 'number' ? [h] : h;
  }

  /** The normalized name the slot was filed under ('' none). */
  nameOf(slot: number): string {
    const id = slot < this.nameOfSlot.length ? this.nameOfSlot[slot]! : -1;
    return id < 0 ? '' : this.texts[id]!;
  }

  add(slot: number, name: string): void {
    if (name === '') return;
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.texts.length;
      this.ids.set(name, id);
      this.texts.push(name);
      this.holders.push(-1);
      this.trigrams.add(id, name);
    }
    if (slot >= this.nameOfSlot.length) {
      const bigger = new Int32Array(Math.max(slot + 1, this.nameOfSlot.length * 2)).fill(-1);
      bigger.set(this.nameOfSlot);
      this.nameOfSlot = bigger;
    }
    this.nameOfSlot[slot] = id;
    const h = this.holders[id]!;
    this.holders[id] = h === -1 ? slot : typeof h === 'number' ? [h, slot] : [...h, slot];
  }

  remove(slot: number): void {
    const id = slot < this.nameOfSlot.length ? this.nameOfSlot[slot]! : -1;
    if (id < 0) return;
    this.nameOfSlot[slot] = -1;
    const rest = this.holdersOf(id).filter((s) => s !== slot);
    this.holders[id] = rest.length === 0 ? -1 : rest.length === 1 ? rest[0]! : rest;
  }

  exact(name: string): readonly number[] {
    const id = this.ids.get(name);
    return id === undefined ? [] : this.holdersOf(id);
  }

  /** Names other than `name` itself scoring >= threshold, best first. */
  similar(name: string, threshold: number): SimilarName[] {
    const self = this.ids.get(name);
    const alive = (id: number) => id !== self && this.holders[id] !== -1;
    return this.trigrams.search(name, threshold, alive, maxCandidates);
  }
}
