// The tie-break steps an admin may order (tie-break.ts applies them). Apart from tie-break.ts so
// the options type can name them without importing the records they sort.
export const tieBreaks = [
  'one_per_owner',
  'most_children',
  'most_opportunities',
  'most_contacts',
  'latest_activity',
  'oldest_created',
  'lowest_id',
] as const;
export type TieBreak = (typeof tieBreaks)[number];
export type TieBreakOrder = readonly TieBreak[] | 'do_not_guess';
export const defaultTieBreaks: readonly TieBreak[] = tieBreaks;
