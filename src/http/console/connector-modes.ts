// Shadow or live per connector: a connector in shadow mode decides and records but writes nothing
// to the CRM (docs/shadow-mode.md). Switching is a config change like any other: a new version,
// validated, published with a message and kept in the audit trail; rolling back switches back.
import type { FastifyInstance } from 'fastify';
import { configAdmin, shadowReport } from '../../pipeline/index.js';
import type { HttpDeps } from '../deps.js';
import { field, type ConsoleAuth } from './auth.js';
import { html, type Html } from './html.js';
import { consoleBase, when, type PageContext } from './layout.js';
import { rowFormCell } from './row-form.js';

const evidenceDays = 30;
const differencesShown = 10;

/** The evidence for a switch: how often our decisions agreed with the owner the CRM's own process set. */
export async function shadowEvidence(deps: HttpDeps): Promise<Html> {
  const to = deps.pipeline.now();
  const from = new Date(to.getTime() - evidenceDays * 86_400_000);
  const r = await shadowReport(deps.pipeline, { from, to, limit: differencesShown });
  const rate = r.agreementRate === null ? '—' : `${Math.round(r.agreementRate * 1000) / 10}%`;
  return html`<p data-metric="shadow-agreement">
      Last ${evidenceDays} days in shadow: ${r.decided} leads decided; the CRM assigned ${r.crmAssigned} of them itself,
      and we agreed on ${r.agreed} (<strong>${rate}</strong>).
    </p>
    ${
      r.differences.length
        ? html`<div class="table-wrap">
            <table class="stack">
              <caption class="muted">
                Where we differ (latest ${differencesShown})
              </caption>
              <thead>
                <tr>
                  <th>Lead</th>
                  <th>Ours</th>
                  <th>Why</th>
                  <th>The CRM's</th>
                  <th>Set by</th>
                </tr>
              </thead>
              <tbody>
                ${r.differences.map(
                  (d) =>
                    html`<tr>
                      <td data-label="Lead">
                        <a href="${consoleBase}/leads/${d.leadId}">${d.recordId}</a>
                        <span class="muted">${when(d.receivedAt)}</span>
                      </td>
                      <td data-label="Ours">${d.ours.rep ?? d.ours.owner ?? d.ours.outcome}</td>
                      <td data-label="Why">${d.ours.rule ? `rule ${d.ours.rule}: ` : ''}${d.ours.reason}</td>
                      <td data-label="The CRM's">${d.crm.rep ?? d.crm.owner}</td>
                      <td data-label="Set by">${d.crm.by ?? d.crm.source ?? ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : ''
    }`;
}

export const crms = ['hubspot', 'salesforce'] as const;
export type WriteMode = 'live' | 'shadow';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each connector configured on this server or named in the document, with its mode (absent: live). */
export function connectorModes(
  document: unknown,
  configured: readonly string[],
): Array<{ crm: string; mode: WriteMode }> {
  const named = isObj(document) && isObj(document.connectors) ? document.connectors : {};
  return crms
    .filter((crm) => configured.includes(crm) || crm in named)
    .map((crm) => {
      const settings = named[crm];
      return { crm, mode: isObj(settings) && settings.mode === 'shadow' ? 'shadow' : 'live' };
    });
}

/** The document with one connector's mode set (a copy). */
export function withMode(document: unknown, crm: string, mode: WriteMode): unknown {
  const doc = structuredClone(isObj(document) ? document : {});
  const connectors = isObj(doc.connectors) ? doc.connectors : (doc.connectors = {});
  connectors[crm] = { ...(isObj(connectors[crm]) ? connectors[crm] : {}), mode };
  return doc;
}

export function connectorSection(
  ctx: PageContext,
  modes: Array<{ crm: string; mode: WriteMode }>,
  evidence: Html = html``,
): Html {
  if (modes.length === 0) return html``;
  const editor = ctx.session?.role === 'editor';
  return html`<section aria-labelledby="connectors-title">
    <h2 id="connectors-title">Connectors: shadow or live</h2>
    <p class="muted">
      Shadow: decide and record, write nothing to the CRM, and compare with the owner the CRM's own process sets. Live:
      write owners. Switching publishes a new version.
    </p>
    ${evidence}
    <div class="table-wrap">
      <table class="stack">
        <thead>
          <tr>
            <th>CRM</th>
            <th>Mode</th>
            ${editor ? html`<th>Switch</th>` : ''}
          </tr>
        </thead>
        <tbody>
          ${modes.map((m) => {
            const to: WriteMode = m.mode === 'shadow' ? 'live' : 'shadow';
            return html`<tr data-crm="${m.crm}">
              <th scope="row">${m.crm}</th>
              <td data-label="Mode"><strong>${m.mode}</strong></td>
              ${
                editor
                  ? rowFormCell(ctx, {
                      label: 'Switch',
                      action: `/config/connectors/${m.crm}/mode`,
                      hidden: { name: 'mode', value: to },
                      text: {
                        id: `mode-msg-${m.crm}`,
                        name: 'message',
                        label: 'Message',
                        widthClass: 'w20',
                        value: `${m.crm}: ${m.mode} -> ${to}`,
                      },
                      button: { text: `Switch ${m.crm} to ${to}` },
                    })
                  : ''
              }
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
  </section>`;
}

export function connectorModeRoutes(app: FastifyInstance, deps: HttpDeps, auth: ConsoleAuth): void {
  app.post(`${consoleBase}/config/connectors/:crm/mode`, { preHandler: auth.need('editor') }, async (req, reply) => {
    const { crm } = req.params as { crm: string };
    const mode = field(req.body, 'mode');
    if (!(crms as readonly string[]).includes(crm) || (mode !== 'live' && mode !== 'shadow'))
      return reply.redirect(`${consoleBase}/config`, 303);
    const [active, latest] = await Promise.all([
      configAdmin.getActiveConfigVersion(deps.pipeline),
      configAdmin.listVersions(deps.pipeline, 1),
    ]);
    const message = field(req.body, 'message')?.trim() || `${crm}: switched to ${mode}`;
    const done = await configAdmin.publishConfig(deps.pipeline, {
      document: withMode(active.document, crm, mode),
      message,
      author: req.adminWho!,
      // A version published meanwhile is a 409 (CONFLICT), not silently built upon.
      ...(latest.versions[0] && { baseVersion: latest.versions[0].version }),
    });
    req.log.info({ crm, mode, version: done.version, author: done.author }, 'connector mode switched');
    return reply.redirect(`${consoleBase}/config?published=${done.version}`, 303);
  });
}
