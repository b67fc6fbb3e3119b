// Import leads from a CSV (docs/bulk.md). The contract:
// - streaming: the file is parsed as it is read, a batch of rows at a time, and the next batch
//   is read only once the last one is stored and its route jobs enqueued, so memory stays flat
//   whatever the file's size;
// - rows go through the same mapping and intake as POST /v1/leads: each row's columns are the
//   fields of an `api` record, mapped by the config's `api/<objectType>` mapping (api/lead by
//   default), stored as inbound events (source `import:<name>`) and routed by the workers;
// - a row is refused, with its line and reason, when the CSV cannot be read there (a wrong
//   number of columns, an unclosed quote), when a required field is missing or a transform fails,
//   or when it holds a string Postgres cannot store; every other row is imported;
// - idempotent: a row's id is its `externalId` column, else a digest of its values, so running
//   the same file again (after a crash, or to resume a cancelled import) stores nothing twice.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse, type CsvError } from 'csv-parse';
import type { InboundEvent } from '../connector.js';
import { addBulkJobProgress, finishBulkJob, getBulkJob, insertBulkJob, type BulkJobRow } from '../db/index.js';
import { errors } from '../errors.js';
import { applyMapping } from '../mapping/index.js';
import { findUnstorable } from '../storable-text.js';
import type { PipelineDeps } from './deps.js';
import { ingestCrmEvents, maxIdChars } from './ingest.js';

export interface ImportRequest {
  /** The CSV file: a header line naming the columns, then one lead per line. */
  file: string;
  /** Names the import: events are stored under source `import:<source>`. */
  source: string;
  /** The mapping `api/<objectType>` maps the columns (default: lead). */
  objectType?: string | undefined;
  /** The column holding each row's own id (default: externalId). */
  idColumn?: string | undefined;
}

export interface RefusedRow {
  line: number;
  reason: string;
}

export interface ImportProgress {
  job: BulkJobRow;
  bytesRead: number;
  fileBytes: number;
}

/** Rows per intake statement. */
export const importBatchSize = 1000;

const sourceName = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export async function runImport(
  deps: PipelineDeps,
  req: ImportRequest,
  createdBy: string,
  opts: {
    batchSize?: number;
    onRefused?: (row: RefusedRow) => void;
    onProgress?: (p: ImportProgress) => void | Promise<void>;
  } = {},
): Promise<BulkJobRow> {
  if (!sourceName.test(req.source))
    throw errors.validation([{ path: 'source', message: 'use letters, digits, "_", "-" or "." (at most 63)' }]);
  const objectType = req.objectType ?? 'lead';
  const idColumn = req.idColumn ?? 'externalId';
  const key = `api/${objectType}`;
  const { doc } = await deps.configs.get();
  const mapping = doc.mappings[key];
  if (!mapping)
    throw errors.notFoundAt('objectType', `the active config has no mapping "${key}" to map the columns with`);
  const fileBytes = (await stat(req.file)).size;
  const source = `import:${req.source}`;
  const job = await insertBulkJob(deps.db, {
    kind: 'import',
    params: { file: req.file, source: req.source, objectType, idColumn },
    counts: { rows: 0, imported: 0, duplicates: 0, refused: 0 },
    createdBy,
  });

  let refused: RefusedRow[] = [];
  const unreadable: RefusedRow[] = [];
  const refuse = (r: RefusedRow) => {
    refused.push(r);
    opts.onRefused?.(r);
  };
  const parser = createReadStream(req.file).pipe(
    parse({
      columns: true,
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      // Called while parsing, ahead of the records still buffered: reported in line order below.
      on_skip: (err: CsvError | undefined) => {
        if (err) unreadable.push({ line: Number(err.lines ?? 0), reason: err.message.replace(/ on line \d+$/, '') });
        return undefined;
      },
    }),
  );
  let batch: Array<{ line: number; event: InboundEvent }> = [];
  let rows = 0;
  const occurredAt = deps.now().toISOString();

  const flush = async (): Promise<boolean> => {
    const events = batch.map((b) => b.event);
    const stored = await ingestCrmEvents(deps, source, events, [], { awaitNudges: true });
    const counts = {
      rows: batch.length + refused.length,
      imported: stored.stored,
      duplicates: stored.duplicates,
      refused: refused.length,
    };
    const now = deps.now();
    const after = await addBulkJobProgress(deps.db, job.id, { counts, errors: refused, now });
    batch = [];
    refused = [];
    await opts.onProgress?.({ job: after!, bytesRead: parser.info.bytes, fileBytes });
    return (await getBulkJob(deps.db, job.id))?.cancelRequestedAt === null;
  };

  try {
    let going = true;
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      rows++;
      while (unreadable.length && unreadable[0]!.line < info.lines) refuse(unreadable.shift()!);
      const row = toEvent(record, info.lines, { objectType, idColumn, occurredAt, mapping });
      if ('reason' in row) refuse(row);
      else batch.push({ line: info.lines, event: row.event });
      if (batch.length + refused.length >= (opts.batchSize ?? importBatchSize)) {
        going = await flush();
        if (!going) break;
      }
    }
    if (going) {
      for (const r of unreadable.splice(0)) refuse(r);
      going = await flush();
    }
    await finishBulkJob(deps.db, job.id, going ? 'done' : 'cancelled', deps.now());
  } catch (err) {
    await addBulkJobProgress(deps.db, job.id, {
      counts: {},
      errors: [{ reason: (err as Error).message }],
      now: deps.now(),
    });
    await finishBulkJob(deps.db, job.id, 'failed', deps.now());
    throw err;
  } finally {
    parser.destroy();
  }
  deps.logger.info({ jobId: job.id, source, rows }, 'import finished');
  return (await getBulkJob(deps.db, job.id))!;
}

const refusedCodes = new Set(['REQUIRED_MISSING', 'TRANSFORM_FAILED']);

/** One row as a `created` event of an api record, or why it is refused. */
function toEvent(
  fields: Record<string, string>,
  line: number,
  ctx: { objectType: string; idColumn: string; occurredAt: string; mapping: Parameters<typeof applyMapping>[1] },
): { event: InboundEvent } | RefusedRow {
  const unstorable = findUnstorable(fields);
  if (unstorable.length)
    return { line, reason: unstorable.map((u) => `column ${String(u.path[0])}: ${u.message}`).join('; ') };
  const own = fields[ctx.idColumn];
  const id = own ? own : createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 32);
  if (id.length > maxIdChars) return { line, reason: `column ${ctx.idColumn}: longer than ${maxIdChars} characters` };
  const record = { ref: { crm: 'api' as const, objectType: ctx.objectType, id }, fields };
  const { warnings } = applyMapping(record, ctx.mapping);
  const bad = warnings.filter((w) => refusedCodes.has(w.code));
  if (bad.length) return { line, reason: bad.map((w) => `${w.code} ${w.field}: ${w.message}`).join('; ') };
  const { [ctx.idColumn]: _own, ...carried } = fields;
  return {
    event: { kind: 'created', sourceEventId: id, record: record.ref, occurredAt: ctx.occurredAt, fields: carried },
  };
}
