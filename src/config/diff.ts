// A structural diff of two config documents, stored with every published version and shown
// before a publish. Pure: JSON in, a list of changes out.
//
// Lists of things with ids (reps, pools, rules, queues, accounts) are compared by id, not by
// position, so inserting a rule near the top reads as one added rule (and the rules it pushed
// down are not reported as changed). Field mappings are compared by their canonical target
// (`to`, unique per mapping). A keyed item that changed place is reported once as a move.
// Lists of plain values (pool members, skills) are reported as one change of the whole list.

export type ConfigChange =
  | { op: 'add'; path: string; after: unknown }
  | { op: 'remove'; path: string; before: unknown }
  | { op: 'change'; path: string; before: unknown; after: unknown }
  | { op: 'move'; path: string; from: number; to: number };

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `routing.reps`, `mappings["hubspot/contact"]`: keys that are not identifiers are quoted. */
function child(path: string, key: string): string {
  if (identifier.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The property that identifies items of this list in both versions, if there is one. */
function keyOf(a: unknown[], b: unknown[]): 'id' | 'to' | undefined {
  const all = [...a, ...b];
  if (all.length === 0 || !all.every(isObject)) return undefined;
  for (const key of ['id', 'to'] as const) {
    const unique = (list: unknown[]) => {
      const ids = list.map((x) => (x as Obj)[key]);
      return ids.every((id) => typeof id === 'string') && new Set(ids).size === ids.length;
    };
    if (unique(a) && unique(b)) return key;
  }
  return undefined;
}

/** Indexes (into `xs`) of a longest common subsequence of xs and ys: the items that kept their order. */
function stableItems(xs: string[], ys: string[]): Set<string> {
  const n = xs.length;
  const m = ys.length;
  const len: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--)
      len[i]![j] = xs[i] === ys[j] ? len[i + 1]![j + 1]! + 1 : Math.max(len[i + 1]![j]!, len[i]![j + 1]!);
  }
  const keep = new Set<string>();
  for (let i = 0, j = 0; i < n && j < m;) {
    if (xs[i] === ys[j]) {
      keep.add(xs[i]!);
      i++;
      j++;
    } else if (len[i + 1]![j]! >= len[i]![j + 1]!) i++;
    else j++;
  }
  return keep;
}

function diffKeyed(a: Obj[], b: Obj[], key: 'id' | 'to', path: string, out: ConfigChange[]): void {
  const at = (k: string) => `${path}[${key}=${k}]`;
  const ka = a.map((x) => x[key] as string);
  const kb = b.map((x) => x[key] as string);
  const inB = new Map(b.map((x, i) => [kb[i]!, x]));
  const inA = new Set(ka);
  a.forEach((x, i) => {
    const k = ka[i]!;
    const other = inB.get(k);
    if (other === undefined) out.push({ op: 'remove', path: at(k), before: x });
    else diffValue(x, other, at(k), out);
  });
  b.forEach((x, j) => {
    if (!inA.has(kb[j]!)) out.push({ op: 'add', path: at(kb[j]!), after: x });
  });
  // Order matters for rules (first match wins): report the items that left their relative order.
  const common = ka.filter((k) => inB.has(k));
  const commonB = kb.filter((k) => inA.has(k));
  const kept = stableItems(common, commonB);
  for (const k of common)
    if (!kept.has(k)) out.push({ op: 'move', path: at(k), from: ka.indexOf(k), to: kb.indexOf(k) });
}

function diffList(a: unknown[], b: unknown[], path: string, out: ConfigChange[]): void {
  const key = keyOf(a, b);
  if (key) return diffKeyed(a as Obj[], b as Obj[], key, path, out);
  if (![...a, ...b].some((x) => isObject(x) || Array.isArray(x))) {
    out.push({ op: 'change', path, before: a, after: b });
    return;
  }
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) diffValue(a[i], b[i], `${path}[${i}]`, out);
  for (let i = shared; i < a.length; i++) out.push({ op: 'remove', path: `${path}[${i}]`, before: a[i] });
  for (let i = shared; i < b.length; i++) out.push({ op: 'add', path: `${path}[${i}]`, after: b[i] });
}

function diffValue(a: unknown, b: unknown, path: string, out: ConfigChange[]): void {
  if (jsonEqual(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const [k, v] of Object.entries(a)) {
      if (v === undefined) continue;
      if (b[k] === undefined) out.push({ op: 'remove', path: child(path, k), before: v });
      else diffValue(v, b[k], child(path, k), out);
    }
    for (const [k, v] of Object.entries(b))
      if (v !== undefined && a[k] === undefined) out.push({ op: 'add', path: child(path, k), after: v });
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) return diffList(a, b, path, out);
  out.push({ op: 'change', path: path || '(root)', before: a, after: b });
}

/** What changed from `before` to `after`; empty when they are the same document. */
export function diffConfig(before: unknown, after: unknown): ConfigChange[] {
  const out: ConfigChange[] = [];
  diffValue(before, after, '', out);
  return out;
}

/** One line per change, for the CLI and logs: `~ routing.reps[id=ana].weight: 1 -> 2`. */
export function formatChange(c: ConfigChange): string {
  const show = (v: unknown) => JSON.stringify(v);
  switch (c.op) {
    case 'add':
      return `+ ${c.path}: ${show(c.after)}`;
    case 'remove':
      return `- ${c.path}: ${show(c.before)}`;
    case 'change':
      return `~ ${c.path}: ${show(c.before)} -> ${show(c.after)}`;
    case 'move':
      return `> ${c.path}: moved from position ${c.from} to ${c.to}`;
  }
}
