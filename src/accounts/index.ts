// The accounts module's public surface: the index the mirror fills and the pipeline asks, and
// the pure helpers routing and the mirror share (registrable domains, normalized names).
export { createAccountIndex } from './account-index.js';
export { normalizeCompanyName } from './company-name.js';
export { registrableDomain, baseLabel } from './registrable-domain.js';
export { defaultMatchOptions, type MatchOptions, type NameMatchOptions } from './match-options.js';
export { tieBreaks, defaultTieBreaks, type TieBreak, type TieBreakOrder } from './tie-break-order.js';
export type {
  AccountRecord,
  AccountTeamMember,
  ContactDomainCount,
  AccountIndex,
  AccountMatcher,
  AccountMatch,
  AccountMatchMethod,
  PersonRecord,
} from './types.js';
