// Several accounts share a key (a domain on a parent and its subsidiaries, duplicates in the
// CRM): the admin's ordered waterfall picks one, or "do not guess" leaves the lead unmatched.
// Each step keeps the candidates that are best on its measure; the first step that leaves one
// decides and is named in the trace. lowest_id always leaves one, so the default always decides;
// an order without it can end undecided, which is treated as "do not guess".
import type { TieBreak, TieBreakOrder } from './tie-break-order.js';
import type { AccountRecord } from './types.js';

type Measure = (a: AccountRecord) => number;
// Bigger is better for every measure; a missing date loses to any date.
const measures: Record<Exclude<TieBreak, 'one_per_owner' | 'lowest_id'>, Measure> = {
  most_children: (a) => a.children,
  most_opportunities: (a) => a.opportunities,
  most_contacts: (a) => a.contacts,
  latest_activity: (a) => a.lastActivityAt ?? Number.NEGATIVE_INFINITY,
  oldest_created: (a) => (a.createdAt === null ? Number.NEGATIVE_INFINITY : -a.createdAt),
};

/** Ids compare by length first, so "9" < "10" for numeric HubSpot ids and 18-char Salesforce ids sort as text. */
const idOrder = (a: AccountRecord, b: AccountRecord) =>
  a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export interface TieBreakResult {
  /** Undefined: still several after the waterfall, or "do not guess". */
  winner: AccountRecord | undefined;
  /** The step that left one, or 'do_not_guess' / 'undecided'. */
  decidedBy: TieBreak | 'do_not_guess' | 'undecided';
}

export function breakTie(candidates: readonly AccountRecord[], order: TieBreakOrder): TieBreakResult {
  if (order === 'do_not_guess') return { winner: undefined, decidedBy: 'do_not_guess' };
  let left = [...candidates];
  for (const step of order) {
    if (step === 'lowest_id') return { winner: left.sort(idOrder)[0], decidedBy: step };
    if (step === 'one_per_owner') {
      // Every candidate has the same owner: whichever wins, the lead goes to that person.
      const owner = left[0]!.ownerCrmId;
      if (owner !== null && left.every((a) => a.ownerCrmId === owner))
        return { winner: left.sort(idOrder)[0], decidedBy: step };
      continue;
    }
    const measure = measures[step];
    const best = Math.max(...left.map(measure));
    left = left.filter((a) => measure(a) === best);
    if (left.length === 1) return { winner: left[0], decidedBy: step };
  }
  return { winner: undefined, decidedBy: 'undecided' };
}

/** The candidates winner first, then in id order (what the trace lists). */
export function candidateIds(candidates: readonly AccountRecord[], winner: AccountRecord | undefined): string[] {
  const rest = candidates.filter((a) => a !== winner).sort(idOrder);
  return (winner ? [winner, ...rest] : rest).map((a) => a.id);
}
