// Paths an admin can follow: `routing.rules[id=emea].action.pool` names the rule they wrote,
// where `routing.rules[3]` makes them count (and points elsewhere once a rule is inserted above).
// The validators build paths with indexes; this names each list item by its `id` (mapping
// fields by their target `to`, as the config diff does) wherever that key is unique in its list,
// and keeps the index where it is not (two rules with one id: the index is the only way to tell).
import { canNameItem, fieldPath, isItemRef, parsePath, type FieldIssue, type PathPart } from '../errors.js';

const itemKeys = ['id', 'to'] as const;

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The key naming `list[index]`: one it holds whose value no other item of the list shares. */
function itemRef(list: unknown[], index: number): PathPart {
  const item = list[index];
  if (!isObject(item)) return index;
  for (const by of itemKeys) {
    const value = item[by];
    if (!canNameItem(value)) continue;
    if (list.every((other, j) => j === index || !isObject(other) || other[by] !== value)) return { by, value };
  }
  return index;
}

const child = (node: unknown, key: PropertyKey): unknown =>
  isObject(node) || Array.isArray(node) ? (node as Obj)[key as string] : undefined;

/** `path` (fieldPath spelling) with list items named by id where `input` lets them be. */
export function namePath(path: string, input: unknown): string {
  const parts = parsePath(path);
  if (!parts) return path;
  let node = input;
  const named = parts.map((p): PathPart => {
    if (isItemRef(p)) {
      node = Array.isArray(node) ? node.find((x) => isObject(x) && x[p.by] === p.value) : undefined;
      return p;
    }
    const out = typeof p === 'number' && Array.isArray(node) ? itemRef(node, p) : p;
    node = child(node, p);
    return out;
  });
  return fieldPath(named) || path;
}

/** The plain keys and indexes `path` leads through in `input` (`[id=emea]` back to its index); undefined when it cannot be followed. */
export function indexPath(path: string, input: unknown): PropertyKey[] | undefined {
  const parts = parsePath(path);
  if (!parts) return undefined;
  const out: PropertyKey[] = [];
  let node = input;
  for (const p of parts) {
    if (isItemRef(p)) {
      const index = Array.isArray(node) ? node.findIndex((x) => isObject(x) && x[p.by] === p.value) : -1;
      if (index < 0) return undefined;
      out.push(index);
      node = (node as unknown[])[index];
    } else {
      out.push(p);
      node = child(node, p);
    }
  }
  return out;
}

/** Every issue's path with items named by id (see namePath). */
export function nameIssues(issues: FieldIssue[], input: unknown): FieldIssue[] {
  return issues.map((i) => ({ ...i, path: namePath(i.path, input) }));
}
