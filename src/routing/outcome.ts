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
      /** A pool line decide() still has to move the rep to the back of (round robin moves its own, in counterDeltas). */
      line?: { seqKey: string; lastKey: string };
      /** The strategy already moved the rep on the line "all" (least_recently_assigned). */
      movedGlobal?: boolean;
      /** The pool does not count toward caps (countsTowardCaps: false). */
      uncapped?: boolean;
      /** Strategy-specific counter increments (weighted credits, assignment counts). */
      counterDeltas?: Record<string, number>;
    }
  | { kind: 'queue'; queue: CrmQueue; crmOwnerId: string; poolId?: string }
  | { kind: 'queued'; poolId: string; queuedUntil: string }
  | { kind: 'skip'; reason: string }
  | { kind: 'none'; code: UnassignedCode; poolId?: string };
