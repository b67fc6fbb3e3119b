// The internal result of following an action, before it becomes a Decision.
import type { CompiledRep } from './compile.js';
import type { CrmQueue } from './config-schema.js';
import type { ChoiceCode, UnassignedCode } from './types.js';

export type Outcome =
  | {
      kind: 'rep';
      rep: CompiledRep;
      code: ChoiceCode;
      poolId?: string;
      /** Set when a pool's strategy picked a member: the line's sequence key and the rep's place on it, moved to the back. */
      line?: { seqKey: string; lastKey: string };
      /** The pool does not count toward caps (countsTowardCaps: false). */
      uncapped?: boolean;
      /** Strategy-specific counter increments (weighted credits, assignment counts). */
      counterDeltas?: Record<string, number>;
    }
  | { kind: 'queue'; queue: CrmQueue; crmOwnerId: string; poolId?: string }
  | { kind: 'queued'; poolId: string; queuedUntil: string }
  | { kind: 'none'; code: UnassignedCode; poolId?: string };
