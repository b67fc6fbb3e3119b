// Simulating a draft: the last N stored leads, or leads pasted as CSV (a header row of POST
// /v1/leads field names), routed under the draft and under the active config, writing nothing
// (pipeline/route-preview.ts). Shows who would get what and which owners change.
import { parse as parseCsv } from 'csv-parse/sync';
import { previewRoutes, type DecisionSummary, type PreviewOutput } from '../../pipeline/index.js';
import { isAppError } from '../../errors.js';
import type { HttpDeps } from '../deps.js';
import { previewMaxLeads } from '../routes/leads/post-route-preview.js';
import { leadInput } from '../routes/post-lead.js';
import { field } from './auth.js';
import { issueList } from './draft-checks.js';
import { html, type Html } from './html.js';
import { consoleBase, notice } from './layout.js';

const numeric = new Set(['employeeCount', 'annualRevenue', 'score']);

type Leads = Array<Record<string, unknown>>;

/** CSV rows as API leads; the problems of each bad row, named by its line. */
export function leadsFromCsv(text: string): { leads: Leads; problems: string[] } {
  let rows: Array<Record<string, string>>;
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    return { leads: [], problems: [`not valid CSV: ${(err as Error).message}`] };
  }
  if (rows.length > previewMaxLeads) return { leads: [], problems: [`at most ${previewMaxLeads} rows per simulation`] };
  const leads: Leads = [];
  const problems: string[] = [];
  rows.forEach((row, i) => {
    const lead: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) {
      if (v === '') continue;
      lead[k] = numeric.has(k) && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    }
    const parsed = leadInput.safeParse(lead);
    if (parsed.success) leads.push(lead);
    else
      problems.push(
        `row ${i + 2}: ${parsed.error.issues.map((x) => `${x.path.join('.') || '(row)'} ${x.message}`).join('; ')}`,
      );
  });
  return { leads, problems };
}

const ownerOf = (d: DecisionSummary | undefined): string =>
  !d ? '—' : d.kind === 'assigned' ? (d.ownerId ?? '?') : `${d.kind} (${d.code})`;

function resultTable(out: PreviewOutput): Html {
  const s = out.summary;
  return html`<p role="status">
      ${s.leads} leads: ${s.assigned} assigned, ${s.unassigned} unassigned${s.queued ? `, ${s.queued} queued` : ''};
      <strong>${s.changed ?? 0} would change owner</strong> against version
      ${'comparedWithVersion' in out.config ? out.config.comparedWithVersion : ''}.
    </p>
    <p>
      Who would get them:
      ${
        Object.entries(s.byOwner)
          .map(([who, n]) => `${who} ${n}`)
          .join(', ') || 'nobody'
      }
    </p>
    <div class="table-wrap">
      <table class="stack simulation">
        <thead>
          <tr>
            <th>Lead</th>
            <th>Owner now</th>
            <th>Active config</th>
            <th>Draft</th>
            <th>Rule (draft)</th>
            <th>Changes</th>
          </tr>
        </thead>
        <tbody>
          ${out.results.map(
            (r) =>
              html`<tr ${r.changed ? html`class="changed"` : ''}>
                <td data-label="Lead">
                  ${r.leadId ? html`<a href="${consoleBase}/leads/${r.leadId}">${r.leadId.slice(0, 8)}</a>` : (r.externalId ?? `row ${r.index + 1}`)}
                </td>
                <td data-label="Owner now">${r.storedOwnerRepId ?? (r.leadId ? '—' : '')}</td>
                <td data-label="Active config">${ownerOf(r.active)}</td>
                <td data-label="Draft">${ownerOf(r.decision)}</td>
                <td data-label="Rule (draft)">${r.decision.ruleId ?? ''}</td>
                <td data-label="Changes">${r.changed ? 'yes' : 'no'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

export async function simulateDraft(deps: HttpDeps, draftId: string, body: unknown): Promise<Html> {
  const csv = field(body, 'csv')?.trim();
  let source: { recent: number } | { leads: Leads };
  if (csv) {
    const { leads, problems } = leadsFromCsv(csv);
    if (problems.length)
      return html`${notice('error', 'Some rows are not leads:')}
        <ul class="errors">
          ${problems.map((p) => html`<li>${p}</li>`)}
        </ul>`;
    if (leads.length === 0) return notice('error', 'The CSV has no rows.');
    source = { leads };
  } else {
    const recent = Number(field(body, 'recent') ?? 20);
    if (!Number.isInteger(recent) || recent < 1 || recent > previewMaxLeads)
      return notice('error', `Recent leads: a whole number from 1 to ${previewMaxLeads}.`);
    source = { recent };
  }
  try {
    return resultTable(await previewRoutes(deps.pipeline, { ...source, draftId }));
  } catch (err) {
    if (isAppError(err) && err.status < 500)
      return html`${notice('error', `Cannot simulate: ${err.code === 'CONFIG_INVALID' ? 'the draft is not valid' : err.message}`)}${
        err.details?.errors ? issueList(err.details.errors) : ''
      }`;
    throw err;
  }
}
