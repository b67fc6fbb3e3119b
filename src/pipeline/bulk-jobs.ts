// Bulk jobs as the admin API shows them (GET /v1/admin/bulk-jobs), and their cancel: the job's
// process (the CLI that runs it) sees cancel_requested_at at its next chunk and stops there.
import {
  getBulkJob,
  listBulkJobs,
  requestBulkJobCancel,
  type BulkJobKind,
  type BulkJobRow,
  type BulkJobStatus,
} from '../db/index.js';
import { errors } from '../errors.js';
import type { PipelineDeps } from './deps.js';

export interface BulkJobView {
  id: string;
  kind: string;
  status: string;
  params: Record<string, unknown>;
  counts: Record<string, number>;
  errors: Array<{ line?: number; leadId?: string; reason: string }>;
  createdBy: string;
  cancelRequestedAt: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function bulkJobView(j: BulkJobRow): BulkJobView {
  return {
    id: j.id,
    kind: j.kind,
    status: j.status,
    params: j.params as Record<string, unknown>,
    counts: j.counts as Record<string, number>,
    errors: j.errors as BulkJobView['errors'],
    createdBy: j.createdBy,
    cancelRequestedAt: iso(j.cancelRequestedAt),
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
    finishedAt: iso(j.finishedAt),
  };
}

export async function listBulkJobsView(
  deps: Pick<PipelineDeps, 'db'>,
  f: { kind?: BulkJobKind | undefined; status?: BulkJobStatus | undefined; limit: number },
): Promise<{ jobs: BulkJobView[] }> {
  const rows = await listBulkJobs(deps.db, {
    limit: f.limit,
    ...(f.kind && { kind: f.kind }),
    ...(f.status && { status: f.status }),
  });
  return { jobs: rows.map(bulkJobView) };
}

export async function getBulkJobView(deps: Pick<PipelineDeps, 'db'>, id: string): Promise<BulkJobView> {
  const job = await getBulkJob(deps.db, id);
  if (!job) throw errors.notFoundAt('params.id', `bulk job ${id} was not found`);
  return bulkJobView(job);
}

/** 409 for a job already finished (done, cancelled, failed); asking twice while it runs is answered as the first time. */
export async function cancelBulkJob(deps: Pick<PipelineDeps, 'db' | 'now'>, id: string): Promise<BulkJobView> {
  const job = await requestBulkJobCancel(deps.db, id, deps.now());
  if (!job) throw errors.notFoundAt('params.id', `bulk job ${id} was not found`);
  if (job.status !== 'running')
    throw errors.conflict(`bulk job ${id} is ${job.status}; only a running job can be cancelled`);
  return bulkJobView(job);
}
