// A map from a key to a list, holding a lone value without a list: almost every domain, base
// label and name has one account, and a million one-element arrays cost ~100 MB of heap.
// Values must not themselves be arrays.
export class ListMap<V> {
  private readonly map = new Map<string, V | V[]>();

  get size(): number {
    return this.map.size;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  get(key: string): readonly V[] | undefined {
    const v = this.map.get(key);
    return v === undefined ? undefined : Array.isArray(v) ? v : [v];
  }

  add(key: string, value: V): void {
    const v = this.map.get(key);
    if (v === undefined) this.map.set(key, value);
    else if (Array.isArray(v)) v.push(value);
    else this.map.set(key, [v, value]);
  }

  remove(key: string, value: V): void {
    const v = this.map.get(key);
    if (v === undefined) return;
    if (!Array.isArray(v)) {
      if (v === value) this.map.delete(key);
      return;
    }
    const i = v.indexOf(value);
    if (i >= 0) v.splice(i, 1);
    if (v.length === 1) this.map.set(key, v[0]!);
    else if (v.length === 0) this.map.delete(key);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
