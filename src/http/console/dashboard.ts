// The dashboard: the numbers an admin checks first, each linking to where to act. Drawn from the
// report steps behind GET /v1/reports/* (docs/reports.md): speed-to-lead percentiles over time,
// distribution per rep against the fair target, unassigned leads by reason, waiting leads; and
// the dead-letter count with a link to replay them.
import type { FastifyInstance } from 'fastify';
import {
  distributionReport,
  listFailures,
  speedToLeadReport,
  unassignedReport,
  waitingReport,
  type SpeedToLeadView,
} from '../../pipeline/index.js';
import type { HttpDeps } from '../deps.js';
import type { ConsoleAuth } from './auth.js';
import { lineChart } from './chart.js';
import { failuresShown } from './failures-page.js';
import { html, type Html } from './html.js';
import { consoleBase, page, when, type PageContext } from './layout.js';
import { sendHtml } from './send.js';

const dayMs = 86_400_000;
const periods = [7, 30, 90] as const;
const waitingShown = 20;

const ms = (v: number | null | undefined) =>
  v === null || v === undefined
    ? '—'
    : v < 1000
      ? `${Math.round(v)} ms`
      : `${(v / 1000).toFixed(v < 10_000 ? 2 : 1)} s`;
const age = (s: number) => (s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

interface Period {
  days: (typeof periods)[number];
  bucket: 'day' | 'week';
  from: Date;
  to: Date;
}

function periodOf(q: Record<string, string | undefined>, now: Date): Period {
  const days = periods.find((d) => String(d) === q.days) ?? 7;
  const bucket = q.bucket === 'week' ? 'week' : 'day';
  return { days, bucket, from: new Date(now.getTime() - days * dayMs), to: now };
}

function periodForm(p: Period): Html {
  return html`<form method="get" action="${consoleBase}" class="actions" aria-label="Period">
    <label for="days">Period</label>
    <select id="days" name="days" class="w10">
      ${periods.map((d) => html`<option value="${d}" ${d === p.days ? html`selected` : ''}>last ${d} days</option>`)}
    </select>
    <label for="bucket">Per</label>
    <select id="bucket" name="bucket" class="w8">
      ${(['day', 'week'] as const).map((b) => html`<option ${b === p.bucket ? html`selected` : ''}>${b}</option>`)}
    </select>
    <button type="submit" class="secondary">Show</button>
  </form>`;
}

const percentiles = ['p50', 'p95', 'p99'] as const;
const percentileHeads = percentiles.map((k) => html`<th class="num">${k}</th>`);
/** A row's p50, p95 and p99 cells (the day/week rows and the stage rows alike). */
const percentileCells = (p: Pick<SpeedToLeadView['overall'], 'p50_ms' | 'p95_ms' | 'p99_ms'>) =>
  percentiles.map((k) => html`<td data-label="${k}" class="num">${ms(p[`${k}_ms`])}</td>`);

async function speedSection(deps: HttpDeps, p: Period): Promise<Html> {
  const r = await speedToLeadReport(deps.pipeline, { from: p.from, to: p.to, bucket: p.bucket });
  const labels = r.buckets.map((b) => b.start.slice(5, 10));
  return html`<section class="card" aria-labelledby="speed-title">
    <h2 id="speed-title">Speed to lead</h2>
    <p>
      <span class="big" data-metric="speed-p50">${ms(r.overall.p50_ms)}</span> median over ${r.overall.count} leads; p95
      ${ms(r.overall.p95_ms)}, p99 ${ms(r.overall.p99_ms)}
    </p>
    ${
      r.buckets.length
        ? lineChart({
            title: `Speed to lead per ${p.bucket}: p50, p95 and p99`,
            labels,
            unit: 'ms',
            series: percentiles.map((k) => ({
              name: k,
              className: k,
              values: r.buckets.map((b) => b[`${k}_ms`]),
            })),
          })
        : html`<p class="muted">No leads in this period.</p>`
    }
    <details>
      <summary>The numbers</summary>
      <div class="table-wrap">
        <table class="stack">
          <thead>
            <tr>
              <th>${p.bucket === 'day' ? 'Day' : 'Week of'}</th>
              <th class="num">Leads</th>
              ${percentileHeads}
            </tr>
          </thead>
          <tbody>
            ${r.buckets.map(
              (b) =>
                html`<tr>
                  <td data-label="Start">${b.start.slice(0, 10)}</td>
                  <td data-label="Leads" class="num">${b.count}</td>
                  ${percentileCells(b)}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h3>Per stage</h3>
      <div class="table-wrap">
        <table class="stack">
          <thead>
            <tr>
              <th>Stage</th>
              ${percentileHeads}
            </tr>
          </thead>
          <tbody>
            ${Object.entries(r.stages).map(
              ([stage, s]) =>
                html`<tr>
                  <td data-label="Stage">${stage}</td>
                  ${percentileCells(s)}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>
  </section>`;
}

async function distributionSection(deps: HttpDeps, p: Period): Promise<Html> {
  const r = await distributionReport(deps.pipeline, { from: p.from, to: p.to });
  return html`<section class="card" aria-labelledby="dist-title">
    <h2 id="dist-title">Distribution against target</h2>
    ${r.pools.map(
      (pool) =>
        html`<h3>Pool ${pool.pool}</h3>
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th>Rep</th>
                  <th class="num">Leads</th>
                  <th class="num">Target</th>
                  <th class="num">Shortfall</th>
                  <th>Of target</th>
                </tr>
              </thead>
              <tbody>
                ${pool.reps.map(
                  (rep) =>
                    html`<tr data-rep="${rep.rep}">
                      <td data-label="Rep">${rep.rep}</td>
                      <td data-label="Leads" class="num">${rep.leads}</td>
                      <td data-label="Target" class="num">${rep.target}</td>
                      <td data-label="Shortfall" class="num">${rep.shortfall}</td>
                      <td data-label="Of target">
                        <meter
                          min="0"
                          max="${Math.max(rep.target, rep.leads, 1)}"
                          value="${rep.leads}"
                          aria-label="${rep.rep}: ${rep.leads} of ${rep.target}"
                        >
                          ${rep.leads} of ${rep.target}
                        </meter>
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`,
    )}
  </section>`;
}

async function unassignedSection(deps: HttpDeps, p: Period): Promise<Html> {
  const r = await unassignedReport(deps.pipeline, { from: p.from, to: p.to });
  return html`<section class="card" aria-labelledby="unassigned-title">
    <h2 id="unassigned-title">Not assigned, by reason</h2>
    <p class="big" data-metric="unassigned">${r.total}</p>
    ${
      r.reasons.length
        ? html`<table class="stack">
            <thead>
              <tr>
                <th>Reason</th>
                <th class="num">Leads</th>
              </tr>
            </thead>
            <tbody>
              ${r.reasons.map(
                (x) =>
                  html`<tr>
                    <td data-label="Reason"><a href="${consoleBase}/leads?outcome=unassigned">${x.reason}</a></td>
                    <td data-label="Leads" class="num">${x.count}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : ''
    }
  </section>`;
}

async function waitingSection(deps: HttpDeps): Promise<Html> {
  const r = await waitingReport(deps.pipeline, waitingShown);
  return html`<section class="card" aria-labelledby="waiting-title">
    <h2 id="waiting-title">Waiting for a rep</h2>
    <p class="big" data-metric="waiting">${r.count}</p>
    ${
      r.leads.length
        ? html`<table class="stack">
            <thead>
              <tr>
                <th>Lead</th>
                <th>Pool</th>
                <th>Since</th>
                <th class="num">Age</th>
              </tr>
            </thead>
            <tbody>
              ${r.leads.map(
                (l) =>
                  html`<tr>
                    <td data-label="Lead">
                      ${l.leadId ? html`<a href="${consoleBase}/leads/${l.leadId}">${l.leadId.slice(0, 8)}</a>` : html`<a href="${consoleBase}/leads/${l.eventId}">event ${l.eventId.slice(0, 8)}</a>`}
                    </td>
                    <td data-label="Pool">${l.pool ?? ''}</td>
                    <td data-label="Since">${when(l.since)}</td>
                    <td data-label="Age" class="num">${age(l.ageSeconds)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : ''
    }
  </section>`;
}

async function deadLetterSection(deps: HttpDeps): Promise<Html> {
  const found = await listFailures(deps.pipeline, { limit: failuresShown });
  const n = `${found.items.length}${found.nextCursor ? '+' : ''}`;
  return html`<section class="card" aria-labelledby="dead-title">
    <h2 id="dead-title">Dead letters</h2>
    <p class="big" data-metric="dead-letters">${n}</p>
    <p><a href="${consoleBase}/failures">${found.items.length ? 'See them and replay' : 'The dead-letter list'}</a></p>
  </section>`;
}

async function dashboardPage(deps: HttpDeps, ctx: PageContext, p: Period): Promise<Html> {
  const [speed, distribution, unassigned, waiting, dead] = await Promise.all([
    speedSection(deps, p),
    distributionSection(deps, p),
    unassignedSection(deps, p),
    waitingSection(deps),
    deadLetterSection(deps),
  ]);
  return page(ctx, {
    title: 'Dashboard',
    section: 'dashboard',
    body: html`${periodForm(p)}
      <div class="grid">${dead}${waiting}${unassigned}</div>
      ${speed}${distribution}`,
  });
}

export function dashboardPages(app: FastifyInstance, deps: HttpDeps, auth: ConsoleAuth): void {
  app.get(consoleBase, { preHandler: auth.need('viewer') }, async (req, reply) => {
    const p = periodOf(req.query as Record<string, string | undefined>, deps.pipeline.now());
    return sendHtml(reply, await dashboardPage(deps, auth.context(req), p));
  });
}
