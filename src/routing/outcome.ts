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
      /** New rotation cursor for poolId (round_robin). */
      cursor?: number;
      /** Strategy-specific counter increments (weighted credits). */
      counterDeltas?: Record<string, number>;
    }
  | { kind: 'queue'; queue: CrmQueue; crmOwnerId: string; poolId?: string }
  | { kind: 'queued'; poolId: string; queuedUntil: string }
  | { kind: 'none'; code: UnassignedCode; poolId?: string };
