// A union picked by which key an object has ({ all }, { any }, { not }, { field, op } ...).
// zod's own z.union reports "Invalid input" at the union with every branch's failures nested
// inside; an admin editing YAML needs the one path that is wrong. Picking the branch by key
// first and re-reporting that branch's issues keeps paths like rules[3].when.all[0].value.
import { z } from 'zod';
import { didYouMean } from '../lead/index.js';

/** Returns the branch's schema (its output must be a T; not checked, zod's recursive types defeat it) or an error message. */
export type BranchPicker = (value: Record<string, unknown>) => z.ZodType | string;

export function keyedUnion<T>(pick: BranchPicker): z.ZodType<T> {
  return z.unknown().transform((value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'expected an object' });
      return z.NEVER;
    }
    const branch = pick(value as Record<string, unknown>);
    if (typeof branch === 'string') {
      ctx.addIssue({ code: 'custom', message: branch });
      return z.NEVER;
    }
    const parsed = branch.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        // An unknown key is named at its own path (rules[0].action.fallbak), as everywhere else.
        if (issue.code === 'unrecognized_keys') {
          const accepted = issue.path.length === 0 && branch instanceof z.ZodObject ? Object.keys(branch.shape) : [];
          for (const key of issue.keys)
            ctx.addIssue({
              code: 'custom',
              message: `unknown key "${key}"${didYouMean(key, accepted)}`,
              path: [...issue.path, key],
            });
        } else ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
      }
      return z.NEVER;
    }
    return parsed.data;
  }) as unknown as z.ZodType<T>;
}
