// Config: the active version, drafts, the audit trail (versions and activations), rollback.
// Editing a draft is in draft-pages.ts.
import type { FastifyInstance } from 'fastify';
import { stringify as toYaml } from 'yaml';
import { configAdmin } from '../../pipeline/index.js';
import type { HttpDeps } from '../deps.js';
import { field, type ConsoleAuth } from './auth.js';
import { html, type Html } from './html.js';
import { consoleBase, csrfField, notice, page, when, type PageContext } from './layout.js';
import { sendHtml } from './send.js';
import { connectorModes, connectorSection, shadowEvidence } from './connector-modes.js';

const isEditor = (ctx: PageContext) => ctx.session?.role === 'editor';

async function configPage(deps: HttpDeps, ctx: PageContext, flash?: Html): Promise<Html> {
  const p = deps.pipeline;
  const [active, versions, activations, drafts] = await Promise.all([
    configAdmin.getActiveConfigVersion(p),
    configAdmin.listVersions(p, 50),
    configAdmin.listActivations(p, 50),
    configAdmin.listDrafts(p, 50),
  ]);
  const editor = isEditor(ctx);
  const modes = connectorModes(active.document, Object.keys(p.connectors));
  return page(ctx, {
    title: 'Config',
    section: 'config',
    body: html`${flash ?? ''}
      <section aria-labelledby="active">
        <h2 id="active">Active: version ${active.version}</h2>
        <p>
          ${active.message} <span class="muted">by ${active.author}, active since ${when(active.activatedAt)}</span>
        </p>
        <details>
          <summary>Show the document (YAML)</summary>
          <pre>${toYaml(active.document, { lineWidth: 0 })}</pre>
        </details>
      </section>
      ${connectorSection(ctx, modes, modes.some((m) => m.mode === 'shadow') ? await shadowEvidence(deps) : undefined)}
      <section aria-labelledby="drafts">
        <h2 id="drafts">Drafts</h2>
        ${
          drafts.length
            ? html`<ul>
                ${drafts.map(
                  (d) =>
                    html`<li>
                      <a href="${consoleBase}/config/drafts/${d.id}">${d.name}</a>
                      <span class="muted"
                        >by ${d.author}, edited ${when(d.updatedAt)}, based on version ${d.baseVersion ?? '—'}</span
                      >
                    </li>`,
                )}
              </ul>`
            : html`<p class="muted">No drafts.</p>`
        }
        ${
          editor
            ? html`<form method="post" action="${consoleBase}/config/drafts" class="actions">
                ${csrfField(ctx)}
                <label for="draft-name">New draft from the active version</label>
                <input id="draft-name" name="name" required maxlength="200" placeholder="e.g. EMEA rules" class="w20" />
                <button type="submit">Create draft</button>
              </form>`
            : ''
        }
      </section>
      <section aria-labelledby="versions">
        <h2 id="versions">Versions</h2>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>Version</th>
                <th>Message</th>
                <th>Author</th>
                <th>Published</th>
                <th class="num">Changes</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              ${versions.versions.map(
                (v) =>
                  html`<tr>
                    <td data-label="Version">${v.version}</td>
                    <td data-label="Message">${v.message}</td>
                    <td data-label="Author">${v.author}</td>
                    <td data-label="Published">${when(v.createdAt)}</td>
                    <td data-label="Changes" class="num">${v.changes}</td>
                    <td data-label="State">
                      ${
                        v.active
                          ? html`<strong>active</strong>`
                          : editor
                            ? html`<form method="post" action="${consoleBase}/config/rollback" class="actions">
                                ${csrfField(ctx)}
                                <input type="hidden" name="version" value="${v.version}" />
                                <label class="muted" for="rb-${v.version}">Why</label
                                ><input id="rb-${v.version}" name="message" maxlength="500" class="w12" />
                                <button type="submit" class="secondary">Roll back to ${v.version}</button>
                              </form>`
                            : ''
                      }
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="activations">
        <h2 id="activations">Audit trail: activations</h2>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>At (UTC)</th>
                <th>Version</th>
                <th>From</th>
                <th>How</th>
                <th>By</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              ${activations.activations.map(
                (a) =>
                  html`<tr>
                    <td data-label="At">${when(a.at)}</td>
                    <td data-label="Version">${a.version}</td>
                    <td data-label="From">${a.previousVersion ?? ''}</td>
                    <td data-label="How">${a.kind}</td>
                    <td data-label="By">${a.by}</td>
                    <td data-label="Message">${a.message ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </section>`,
  });
}

export function configPages(app: FastifyInstance, deps: HttpDeps, auth: ConsoleAuth): void {
  const p = deps.pipeline;
  app.get(`${consoleBase}/config`, { preHandler: auth.need('viewer') }, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const flash = q.published
      ? notice('ok', `Published version ${q.published}; it is active now.`)
      : q.rolledBack
        ? notice('ok', `Version ${q.rolledBack} is active again.`)
        : undefined;
    return sendHtml(reply, await configPage(deps, auth.context(req), flash));
  });

  app.post(`${consoleBase}/config/drafts`, { preHandler: auth.need('editor') }, async (req, reply) => {
    const active = await configAdmin.getActiveConfigVersion(p);
    const name = (field(req.body, 'name') ?? '').trim() || `draft from version ${active.version}`;
    const draft = await configAdmin.createDraft(p, {
      name: name.slice(0, 200),
      document: active.document,
      author: req.adminWho!,
    });
    return reply.redirect(`${consoleBase}/config/drafts/${draft.id}`, 303);
  });

  app.post(`${consoleBase}/config/rollback`, { preHandler: auth.need('editor') }, async (req, reply) => {
    const version = Number(field(req.body, 'version'));
    const message = field(req.body, 'message')?.trim();
    if (!Number.isInteger(version) || version < 1)
      return sendHtml(
        reply,
        await configPage(deps, auth.context(req), notice('error', 'Pick a version to roll back to.')),
        400,
      );
    const moved = await configAdmin.rollbackConfig(p, { version, who: req.adminWho!, ...(message && { message }) });
    req.log.info(
      { version: moved.version, previousVersion: moved.previousVersion, by: moved.by },
      'config rolled back',
    );
    return reply.redirect(`${consoleBase}/config?rolledBack=${moved.version}`, 303);
  });
}
