// The keys a zod object schema accepts at a path, for "unknown key "weigth"; did you mean
// "weight"?". Best effort: it follows objects, arrays, records, optional/default/nullable
// wrappers, lazies and pipes; anything else (a keyed union, a transform) gives no suggestion.
import { z } from 'zod';

type Any = z.ZodType;

function unwrap(schema: Any): Any {
  for (let i = 0; i < 20; i++) {
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault)
      schema = schema.unwrap() as Any;
    else if (schema instanceof z.ZodLazy) schema = (schema as z.ZodLazy<Any>).unwrap();
    else if (schema instanceof z.ZodPipe) schema = (schema as z.ZodPipe<Any, Any>).in;
    else return schema;
  }
  return schema;
}

/** The keys of the object schema `path` leads to inside `schema`, or undefined when it cannot be followed. */
export function schemaKeysAt(schema: Any, path: ReadonlyArray<PropertyKey>): string[] | undefined {
  let node = unwrap(schema);
  for (const part of path) {
    if (node instanceof z.ZodObject) {
      const next = (node.shape as Record<string, Any>)[String(part)];
      if (!next) return undefined;
      node = unwrap(next);
    } else if (node instanceof z.ZodArray) node = unwrap(node.element as Any);
    else if (node instanceof z.ZodRecord) node = unwrap(node.valueType as Any);
    else return undefined;
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : undefined;
}
