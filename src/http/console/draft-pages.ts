// One draft: edit it as YAML (errors shown at their line), see its diff against the active
// version, simulate it on recent or pasted leads, publish it with a message, or delete it.
// Saving stores the document and the text it was parsed from, so the admin's comments and layout
// come back in the editor; a change made another way (the form, the API) has no text, and the
// editor then shows the document as YAML.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseConfigDocument } from '../../config/index.js';
import { isAppError, type FieldIssue } from '../../errors.js';
import { configAdmin } from '../../pipeline/index.js';
import type { HttpDeps } from '../deps.js';
import { field, type ConsoleAuth, type FormBody } from './auth.js';
import { diffPanel, validationPanel } from './draft-checks.js';
import { html, type Html } from './html.js';
import { consoleBase, csrfField, notice, page, type PageContext } from './layout.js';
import { sendHtml, wantsFragment } from './send.js';
import { simulateDraft } from './simulate.js';
import { applyRoutingForm, routingForm } from './routing-form.js';
import { checkYaml } from './yaml-check.js';

/** The draft's text for the editor (the YAML last saved there, else the document's). */
const draftText = async (deps: HttpDeps, id: string): Promise<string> =>
  configAdmin.getDraftYaml(deps.pipeline, id, (await configAdmin.getDraft(deps.pipeline, id)).document);

interface Checks {
  text: string;
  issues: FieldIssue[];
  warnings?: FieldIssue[];
  flash?: Html;
}

/** Validation and diff of the stored draft, the panel under the editor. */
async function checksPanel(deps: HttpDeps, id: string, c: Checks): Promise<Html> {
  const diff = await configAdmin.diffDraft(deps.pipeline, id);
  return html`${c.flash ?? ''}
    <h2 id="validation-title">Validation</h2>
    ${validationPanel(c.text, c.issues, c.warnings)}
    <h2 id="diff-title">Changes against the active version</h2>
    ${diffPanel(diff.changes, diff.from)}`;
}

/** Schema and references only (fast, no CRM call): what the page shows when it opens. */
function quickIssues(text: string, document: unknown): FieldIssue[] {
  const parsed = parseConfigDocument(document);
  if (parsed.ok) return [];
  const checked = checkYaml(text);
  return checked.ok ? checked.lines(parsed.errors) : parsed.errors;
}

async function draftPage(deps: HttpDeps, ctx: PageContext, id: string, edited?: Checks): Promise<Html> {
  const draft = await configAdmin.getDraft(deps.pipeline, id);
  const text = edited?.text ?? (await configAdmin.getDraftYaml(deps.pipeline, id, draft.document));
  const checks = edited ?? { text, issues: quickIssues(text, draft.document) };
  const editor = ctx.session?.role === 'editor';
  const base = `${consoleBase}/config/drafts/${id}`;
  return page(ctx, {
    title: `Draft: ${draft.name}`,
    section: 'config',
    body: html`<p class="muted">
        By ${draft.author}, based on version ${draft.baseVersion ?? '—'}.
        <a href="${consoleBase}/config">All versions and drafts</a>
        ${editor ? html` · <a href="${base}/form">Edit reps, pools and rules as a form</a>` : ''}
      </p>
      <section aria-labelledby="yaml-title">
        <h2 id="yaml-title">Document (YAML)</h2>
        ${
          editor
            ? html`<form method="post" action="${base}/yaml" hx-post="${base}/yaml" hx-target="#checks">
                ${csrfField(ctx)}
                <label for="yaml">Config document</label>
                <textarea id="yaml" name="yaml" spellcheck="false" aria-describedby="validation-title">
${text}</textarea>
                <div class="actions"><button type="submit">Save and validate</button></div>
              </form>`
            : html`<pre>${text}</pre>`
        }
      </section>
      <section id="checks" aria-live="polite">${await checksPanel(deps, id, checks)}</section>
      <section aria-labelledby="sim-title">
        <h2 id="sim-title">Simulate</h2>
        <form method="post" action="${base}/simulate" hx-post="${base}/simulate" hx-target="#simulation">
          ${csrfField(ctx)}
          <p>
            <label for="recent">The last N stored leads</label
            ><input id="recent" name="recent" type="number" min="1" max="1000" value="20" class="w8" />
          </p>
          <p>
            <label for="csv">Or paste leads as CSV (a header row of lead fields: email, country, company, ...)</label>
            <textarea id="csv" name="csv" class="short" spellcheck="false"></textarea>
          </p>
          <button type="submit" class="secondary">Simulate</button>
        </form>
        <div id="simulation" aria-live="polite"></div>
      </section>
      ${
        editor
          ? html`<section aria-labelledby="publish-title">
              <h2 id="publish-title">Publish</h2>
              <form method="post" action="${base}/publish" class="actions">
                ${csrfField(ctx)} <label for="message">Message</label
                ><input id="message" name="message" required maxlength="500" class="w30" />
                <button type="submit">Publish and make active</button>
              </form>
              <form method="post" action="${base}/delete" class="actions">
                ${csrfField(ctx)}<button type="submit" class="secondary">Delete draft</button>
              </form>
            </section>`
          : ''
      }`,
  });
}

export function draftPages(app: FastifyInstance, deps: HttpDeps, auth: ConsoleAuth): void {
  const p = deps.pipeline;
  const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;
  const viewer = { preHandler: auth.need('viewer') };
  const editor = { preHandler: auth.need('editor') };
  const respond = async (req: FastifyRequest, reply: FastifyReply, c: Checks, status = 200) =>
    wantsFragment(req)
      ? sendHtml(reply, await checksPanel(deps, idOf(req), c), status)
      : sendHtml(reply, await draftPage(deps, auth.context(req), idOf(req), c), status);

  app.get(`${consoleBase}/config/drafts/:id`, viewer, async (req, reply) =>
    sendHtml(reply, await draftPage(deps, auth.context(req), idOf(req))),
  );

  app.post(`${consoleBase}/config/drafts/:id/yaml`, editor, async (req, reply) => {
    const text = field(req.body, 'yaml') ?? '';
    const checked = checkYaml(text);
    // A syntax error: nothing to store; the admin's text stays in the editor.
    if (!checked.ok)
      return respond(req, reply, { text, issues: [checked.issue], flash: notice('error', 'Not saved.') });
    await configAdmin.updateDraft(p, idOf(req), { document: checked.document, yaml: text });
    const result = await configAdmin.validateConfig(p, checked.document);
    const saved = notice('ok', 'Saved.');
    return result.ok
      ? respond(req, reply, { text, issues: [], warnings: checked.lines(result.warnings), flash: saved })
      : respond(req, reply, { text, issues: checked.lines(result.errors), flash: saved });
  });

  app.post(`${consoleBase}/config/drafts/:id/simulate`, viewer, async (req, reply) => {
    const out = await simulateDraft(deps, idOf(req), req.body);
    if (wantsFragment(req)) return sendHtml(reply, out);
    return sendHtml(
      reply,
      page(auth.context(req), {
        title: 'Simulation',
        section: 'config',
        body: html`${out}
          <p><a href="${consoleBase}/config/drafts/${idOf(req)}">Back to the draft</a></p>`,
      }),
    );
  });

  app.post(`${consoleBase}/config/drafts/:id/publish`, editor, async (req, reply) => {
    const message = field(req.body, 'message')?.trim();
    const id = idOf(req);
    if (!message)
      return respond(
        req,
        reply,
        {
          text: await draftText(deps, id),
          issues: [],
          flash: notice('error', 'A publish needs a message.'),
        },
        400,
      );
    try {
      const done = await configAdmin.publishConfig(p, { draftId: id, message, author: req.adminWho! });
      req.log.info(
        { version: done.version, author: done.author, changes: done.diff.changes.length },
        'config published',
      );
      return reply.redirect(`${consoleBase}/config?published=${done.version}`, 303);
    } catch (err) {
      if (!isAppError(err) || err.code !== 'CONFIG_INVALID') throw err;
      const text = await draftText(deps, id);
      const checked = checkYaml(text);
      const issues = err.details?.errors ?? [];
      return respond(
        req,
        reply,
        {
          text,
          issues: checked.ok ? checked.lines(issues) : issues,
          flash: notice('error', 'Not published: the draft is not valid.'),
        },
        422,
      );
    }
  });

  app.get(`${consoleBase}/config/drafts/:id/form`, editor, async (req, reply) => {
    const draft = await configAdmin.getDraft(p, idOf(req));
    const base = `${consoleBase}/config/drafts/${draft.id}`;
    return sendHtml(
      reply,
      page(auth.context(req), {
        title: `Draft: ${draft.name} (form)`,
        section: 'config',
        body: html`<p><a href="${base}">Back to the draft (YAML, validation, simulation, publish)</a></p>
          ${routingForm(auth.context(req), `${base}/form`, draft.document)}`,
      }),
    );
  });

  app.post(`${consoleBase}/config/drafts/:id/form`, editor, async (req, reply) => {
    const draft = await configAdmin.getDraft(p, idOf(req));
    await configAdmin.updateDraft(p, draft.id, { document: applyRoutingForm(draft.document, req.body as FormBody) });
    return reply.redirect(`${consoleBase}/config/drafts/${draft.id}`, 303);
  });

  app.post(`${consoleBase}/config/drafts/:id/delete`, editor, async (req, reply) => {
    await configAdmin.deleteDraft(p, idOf(req));
    return reply.redirect(`${consoleBase}/config`, 303);
  });
}
