// routing.accountMatching: how a lead finds its CRM account (docs/accounts.md "Matching").
// Every field has a default, so `accountMatching: {}` (or leaving it out) is the documented
// behaviour; a bad value is reported at its path (routing.accountMatching.names.threshold).
import { z } from 'zod';
import { defaultMatchOptions, tieBreaks, type MatchOptions } from '../accounts/index.js';

const tieBreakOrder = z.union(
  [
    z.literal('do_not_guess'),
    z
      .array(z.enum(tieBreaks))
      .min(1, 'name at least one tie-break, or say do_not_guess')
      .refine((xs) => new Set(xs).size === xs.length, { message: 'a tie-break is listed twice' }),
  ],
  { message: `a list of ${tieBreaks.join(', ')}, or "do_not_guess"` },
);

export const accountMatchingSchema = z.strictObject({
  /** acme.de finds acme.com when no account has acme.de (same base label, at least 3 characters). */
  crossTld: z.boolean().default(defaultMatchOptions.crossTld),
  /** A domain no account's website has goes to the account holding most contacts at it. */
  contactDomains: z.boolean().default(defaultMatchOptions.contactDomains),
  names: z
    .strictObject({
      /** Match on the lead's company name when no domain matched. */
      enabled: z.boolean().default(defaultMatchOptions.names.enabled),
      /** Trigram similarity (0..1) a non-identical normalized name needs; 1 = exact names only. */
      threshold: z.number().min(0.3).max(1).default(defaultMatchOptions.names.threshold),
      /** Accept a name match with no supporting signal (the lead's domain or country agreeing). */
      allowNameOnly: z.boolean().default(defaultMatchOptions.names.allowNameOnly),
    })
    .default({ ...defaultMatchOptions.names }),
  /** Several accounts for one key: ordered tie-breaks, or do_not_guess (several = no match). */
  tieBreak: tieBreakOrder.default([...tieBreaks]),
  /** Route to the owner of the matched account's top parent. */
  rollUpToParent: z.boolean().default(defaultMatchOptions.rollUpToParent),
});
export type AccountMatching = z.infer<typeof accountMatchingSchema>;

// The parsed settings are the matcher's options as they are: a change to either breaks this line.
export const toMatchOptions = (s: AccountMatching): MatchOptions => s;
