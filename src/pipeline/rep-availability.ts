// The availability API's work: mark a rep away (now, or until an instant) or back, without a
// config publish. The rep must exist in the active config; the change is stored and audited in
// one transaction (db/rep-availability.ts), and the next routing transaction reads it with the
// routing state, so the very next lead sees it on every worker.
import {
  getRepAvailability,
  listRepAvailabilityChanges,
  setRepAvailability,
  type RepAvailabilityChange,
} from '../db/index.js';
import { errors } from '../errors.js';
import { didYouMean } from '../lead/index.js';
import type { RepStatus } from '../routing/index.js';
import type { PipelineDeps } from './deps.js';

export type AvailabilityInput =
  | { status: 'away'; until?: Date | undefined; note?: string | undefined }
  | { status: 'back'; note?: string | undefined };

export interface AvailabilityView {
  repId: string;
  /** What routing does with this rep now: away (the API says so), or available as the config says. */
  effective: 'away' | 'as_configured';
  /** The stored status (null: never set). */
  status: RepStatus | null;
  /** The latest changes, newest first. */
  changes: RepAvailabilityChange[];
}

async function requireRep(deps: PipelineDeps, repId: string): Promise<void> {
  const { doc } = await deps.configs.get();
  const ids = doc.routing.reps.map((r) => r.id);
  if (!ids.includes(repId))
    throw errors.notFoundAt('params.id', `rep "${repId}" is not in the active config${didYouMean(repId, ids)}`);
}

/** Whether routing treats the rep as away now (an away with a past `until` has lapsed). */
export function effective(status: RepStatus | undefined, now: Date): AvailabilityView['effective'] {
  if (!status || status.status !== 'away') return 'as_configured';
  return status.until === undefined || Date.parse(status.until) > now.getTime() ? 'away' : 'as_configured';
}

export async function getAvailability(deps: PipelineDeps, repId: string): Promise<AvailabilityView> {
  await requireRep(deps, repId);
  const [status, changes] = await Promise.all([
    getRepAvailability(deps.db, repId),
    listRepAvailabilityChanges(deps.db, repId, 20),
  ]);
  return { repId, effective: effective(status, deps.now()), status: status ?? null, changes };
}

/** `by` is the audit actor (editor:1a2b3c4d, rep:ana). 400 for an `until` not in the future; nothing is written then. */
export async function setAvailability(
  deps: PipelineDeps,
  repId: string,
  input: AvailabilityInput,
  by: string,
): Promise<AvailabilityView> {
  await requireRep(deps, repId);
  const now = deps.now();
  const until = input.status === 'away' ? input.until : undefined;
  if (until && until.getTime() <= now.getTime())
    throw errors.validation([{ path: 'body.until', message: `must be in the future (now is ${now.toISOString()})` }]);
  const { status } = await setRepAvailability(
    deps.db,
    repId,
    { status: input.status, since: now, until, note: input.note },
    by,
  );
  const changes = await listRepAvailabilityChanges(deps.db, repId, 20);
  return { repId, effective: effective(status, now), status, changes };
}
