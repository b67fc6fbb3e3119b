// Leads: search (the filters of GET /v1/leads), and one lead: its decision as the readable trace,
// its ownership history, its speed-to-lead timeline. Viewer pages; nothing here changes anything.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  decodeLeadCursor,
  explainDecisionView,
  getLeadDecision,
  getLeadHistory,
  getLeadSpeed,
  getLeadView,
  listLeadsPage,
  resolveLeadRef,
  type HistoryEntry,
  type LeadListFilter,
  type LeadListItem,
  type SpeedStep,
} from '../../pipeline/index.js';
import type { HttpDeps } from '../deps.js';
import type { ConsoleAuth } from './auth.js';
import { html, toText, type Html } from './html.js';
import { consoleBase, notice, page, when, type PageContext } from './layout.js';
import { sendHtml, wantsFragment } from './send.js';

const text = ['email', 'domain', 'owner', 'pool', 'rule'] as const;
const outcomes = ['assigned', 'unassigned', 'skipped'] as const;

type Query = Record<string, string | undefined>;

/** A datetime-local value (no zone) read as UTC; undefined and an error when it is not a time. */
function utc(v: string | undefined, name: string, problems: string[]): Date | undefined {
  if (!v) return undefined;
  const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(d.getTime())) problems.push(`${name}: "${v}" is not a date and time`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function filterOf(q: Query): { filter: LeadListFilter; problems: string[] } {
  const problems: string[] = [];
  const filter: LeadListFilter = {};
  for (const k of text) if (q[k]?.trim()) filter[k] = q[k]!.trim();
  if (q.outcome && (outcomes as readonly string[]).includes(q.outcome)) filter.outcome = q.outcome;
  const from = utc(q.routedFrom, 'routed from', problems);
  const to = utc(q.routedTo, 'routed to', problems);
  if (from) filter.routedFrom = from;
  if (to) filter.routedTo = to;
  return { filter, problems };
}

function searchForm(q: Query): Html {
  const input = (name: string, label: string, type = 'text') =>
    html`<p>
      <label for="f-${name}">${label}</label
      ><input id="f-${name}" name="${name}" type="${type}" value="${q[name] ?? ''}" />
    </p>`;
  return html`<form
    class="filters"
    role="search"
    method="get"
    action="${consoleBase}/leads"
    hx-get="${consoleBase}/leads"
    hx-target="#results"
    hx-push-url="true"
  >
    ${input('email', 'Email')} ${input('domain', 'Domain')} ${input('owner', 'Owner (rep or CRM id)')}
    ${input('pool', 'Pool')} ${input('rule', 'Rule')}
    <p>
      <label for="f-outcome">Outcome</label
      ><select id="f-outcome" name="outcome">
        <option value="">any</option>
        ${outcomes.map((o) => html`<option value="${o}" ${q.outcome === o ? html`selected` : ''}>${o}</option>`)}
      </select>
    </p>
    ${input('routedFrom', 'Routed from (UTC)', 'datetime-local')}
    ${input('routedTo', 'Routed before (UTC)', 'datetime-local')}
    <p><button type="submit">Search</button></p>
  </form>`;
}

function resultRow(l: LeadListItem): Html {
  const d = l.decision;
  return html`<tr>
    <td data-label="Lead">
      <a href="${consoleBase}/leads/${l.id}">${l.email ?? `${l.source.crm}/${l.source.recordId}`}</a>
    </td>
    <td data-label="Owner">${l.owner?.repId ?? l.owner?.crmOwnerId ?? '—'}</td>
    <td data-label="Outcome">${d?.outcome ?? '—'}</td>
    <td data-label="Pool">${d?.poolId ?? ''}</td>
    <td data-label="Rule">${d?.ruleId ?? ''}</td>
    <td data-label="Source">${l.source.crm}/${l.source.objectType}</td>
    <td data-label="Routed">${when(d?.routedAt)}</td>
  </tr>`;
}

async function results(deps: HttpDeps, q: Query): Promise<Html> {
  const { filter, problems } = filterOf(q);
  if (problems.length) return notice('error', problems.join('; '));
  const after = q.cursor ? decodeLeadCursor(q.cursor) : undefined;
  const found = await listLeadsPage(deps.pipeline, filter, { ...(after && { after }), limit: 50 });
  if (found.leads.length === 0) return notice('ok', 'No lead matches.');
  const next = found.nextCursor
    ? new URLSearchParams({
        ...(Object.fromEntries(Object.entries(q).filter(([, v]) => v)) as Record<string, string>),
        cursor: found.nextCursor,
      })
    : undefined;
  return html`<div class="table-wrap">
      <table class="stack">
        <caption class="muted">
          ${found.leads.length} leads, newest first
        </caption>
        <thead>
          <tr>
            <th>Lead</th>
            <th>Owner</th>
            <th>Outcome</th>
            <th>Pool</th>
            <th>Rule</th>
            <th>Source</th>
            <th>Routed</th>
          </tr>
        </thead>
        <tbody>
          ${found.leads.map(resultRow)}
        </tbody>
      </table>
    </div>
    ${next ? html`<p><a href="${consoleBase}/leads?${next.toString()}">Older leads</a></p>` : ''}`;
}

const ms = (n: number | null) =>
  n === null ? '' : n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)} s`;

function speedTable(steps: SpeedStep[]): Html {
  if (steps.length === 0) return html`<p class="muted">No timing recorded yet.</p>`;
  return html`<table class="stack">
    <thead>
      <tr>
        <th>Step</th>
        <th>At (UTC)</th>
        <th class="num">Since previous</th>
        <th class="num">Since start</th>
      </tr>
    </thead>
    <tbody>
      ${steps.map(
        (s) =>
          html`<tr>
            <td data-label="Step">${s.step}</td>
            <td data-label="At">${when(s.at)}</td>
            <td data-label="Since previous" class="num">${ms(s.sincePreviousMs)}</td>
            <td data-label="Since start" class="num">${ms(s.sinceStartMs)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The details of a history entry worth a glance: owner, rule, policy, error. */
function entryDetail(e: HistoryEntry): string {
  const keys = [
    'repId',
    'ownerId',
    'newOwnerId',
    'previousOwnerId',
    'poolId',
    'ruleId',
    'reasonCode',
    'policy',
    'changedBy',
    'error',
  ];
  return keys
    .filter((k) => e[k] !== undefined && e[k] !== null)
    .map((k) => `${k}: ${String(e[k])}`)
    .join(', ');
}

async function leadPage(deps: HttpDeps, ctx: PageContext, ref: string): Promise<Html> {
  const found = await resolveLeadRef(deps.pipeline, ref);
  if (found.kind === 'pending')
    return page(ctx, {
      title: 'Lead not routed yet',
      section: 'leads',
      body: notice('ok', `Event ${found.event.id} is ${found.event.status}; it has no lead yet.`),
    });
  const id = found.leadId;
  const [view, decision, history] = await Promise.all([
    getLeadView(deps.pipeline, id),
    getLeadDecision(deps.pipeline, id),
    getLeadHistory(deps.pipeline, id),
  ]);
  const speed = await getLeadSpeed(deps.pipeline, view, history);
  const lead = (view.lead ?? {}) as Record<string, unknown>;
  const title = typeof lead.email === 'string' ? lead.email : `${view.source.crm}/${view.source.recordId}`;
  const owner = view.owner ? (view.owner.name ?? view.owner.repId ?? view.owner.crmOwnerId) : 'nobody';
  return page(ctx, {
    title: `Lead ${title}`,
    section: 'leads',
    body: html` <dl class="facts">
        <dt>Owner</dt>
        <dd>${owner}</dd>
        <dt>Outcome</dt>
        <dd>${decision.outcome} (${decision.reasonCode})</dd>
        <dt>Record</dt>
        <dd>${view.source.crm}/${view.source.objectType}/${view.source.recordId}</dd>
        <dt>Lead id</dt>
        <dd><code>${view.id}</code></dd>
        <dt>Config version</dt>
        <dd>${decision.configVersion}</dd>
      </dl>
      <section aria-labelledby="why">
        <h2 id="why">Why this owner</h2>
        <pre class="trace">${explainDecisionView(decision)}</pre>
      </section>
      <section aria-labelledby="speed">
        <h2 id="speed">Speed to lead</h2>
        ${speedTable(speed)}
      </section>
      <section aria-labelledby="history">
        <h2 id="history">Ownership history</h2>
        <table class="stack">
          <thead>
            <tr>
              <th>At (UTC)</th>
              <th>What</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            ${history.entries.map(
              (e) =>
                html`<tr>
                  <td data-label="At">${when(e.at)}</td>
                  <td data-label="What">${e.type}</td>
                  <td data-label="Details">${entryDetail(e)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="fields">
        <h2 id="fields">Lead fields</h2>
        <dl class="facts">
          ${Object.entries(lead).map(
            ([k, v]) =>
              html`<dt>${k}</dt>
                <dd>${typeof v === 'string' ? v : JSON.stringify(v)}</dd>`,
          )}
        </dl>
      </section>`,
  });
}

export function leadPages(app: FastifyInstance, deps: HttpDeps, auth: ConsoleAuth): void {
  const viewer = { preHandler: auth.need('viewer') };
  const query = (req: FastifyRequest) => req.query as Query;
  app.get(`${consoleBase}/leads`, viewer, async (req, reply) => {
    const q = query(req);
    // htmx asks for the results only; the URL it pushes is this page's, so a reload shows the same.
    if (wantsFragment(req)) return sendHtml(reply, await results(deps, q));
    const body = html`${searchForm(q)}
      <section id="results" aria-live="polite">${await results(deps, q)}</section>`;
    return reply
      .type('text/html; charset=utf-8')
      .send(toText(page(auth.context(req), { title: 'Leads', section: 'leads', body })));
  });
  app.get(`${consoleBase}/leads/:id`, viewer, async (req, reply) => {
    const { id } = req.params as { id: string };
    return reply.type('text/html; charset=utf-8').send(toText(await leadPage(deps, auth.context(req), id)));
  });
}
