// What an admin tunes about matching (routing.accountMatching in the config document; its zod
// schema lives with the routing config). Passed per call, so a publish changes matching at once
// without rebuilding the index.
import { defaultTieBreaks, type TieBreakOrder } from './tie-break-order.js';

export interface NameMatchOptions {
  /** Match on the lead's company name when no domain matched. */
  enabled: boolean;
  /** Trigram similarity (0..1, pg_trgm's measure) a non-identical name needs. */
  threshold: number;
  /** Accept a name match with no supporting signal (lead domain or country agreeing with the account). */
  allowNameOnly: boolean;
}

export interface MatchOptions {
  /** acme.de finds acme.com when no account has acme.de (same base label, at least 3 characters). */
  crossTld: boolean;
  /** A domain no account's website has goes to the account holding most contacts at it. */
  contactDomains: boolean;
  names: NameMatchOptions;
  /** Ordered tie-breaks among several candidates, or 'do_not_guess' (several = no match). */
  tieBreak: TieBreakOrder;
  /** The owner comes from the matched account's top parent (the hierarchy's root). */
  rollUpToParent: boolean;
}

export const defaultMatchOptions: MatchOptions = Object.freeze({
  crossTld: false,
  contactDomains: true,
  names: Object.freeze({ enabled: true, threshold: 0.7, allowNameOnly: false }),
  tieBreak: defaultTieBreaks,
  rollUpToParent: false,
});
