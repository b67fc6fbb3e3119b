// Reps: who is away now (the availability API's store, overlaid on the active config by routing),
// away/back buttons, and weights and caps, which are config: saving them makes a draft to review,
// simulate and publish like any other change.
import type { FastifyInstance } from 'fastify';
import { configAdmin, getAvailability, setAvailability } from '../../pipeline/index.js';
import type { HttpDeps } from '../deps.js';
import { field, type ConsoleAuth, type FormBody } from './auth.js';
import { html, type Html } from './html.js';
import { consoleBase, csrfField, notice, page, when, type PageContext } from './layout.js';
import { applyRoutingForm, repTable } from './routing-form.js';
import { rowFormCell } from './row-form.js';
import { sendHtml } from './send.js';

async function repsPage(deps: HttpDeps, ctx: PageContext, flash?: Html): Promise<Html> {
  const active = await configAdmin.getActiveConfigVersion(deps.pipeline);
  const reps = (active.document as { routing?: { reps?: Array<Record<string, unknown>> } }).routing?.reps ?? [];
  const availability = await Promise.all(reps.map((r) => getAvailability(deps.pipeline, String(r.id))));
  const editor = ctx.session?.role === 'editor';
  return page(ctx, {
    title: 'Reps',
    section: 'reps',
    body: html`${flash ?? ''}
      <section aria-labelledby="avail">
        <h2 id="avail">Availability</h2>
        <p class="muted">
          Away takes a rep out of routing at once, without a publish; back returns them to what the config says (working
          hours, time off).
        </p>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>Rep</th>
                <th>Name</th>
                <th>Now</th>
                <th>Since</th>
                <th>By</th>
                ${editor ? html`<th>Change</th>` : ''}
              </tr>
            </thead>
            <tbody>
              ${reps.map((r, i) => {
                const a = availability[i]!;
                const id = String(r.id);
                const away = a.effective === 'away';
                return html`<tr data-rep="${id}">
                  <th scope="row">${id}</th>
                  <td data-label="Name">${String(r.name ?? '')}</td>
                  <td data-label="Now">
                    ${away ? html`<strong>away</strong>${a.status?.until ? ` until ${when(a.status.until)}` : ''}` : 'available as configured'}${a.status?.note ? html` <span class="muted">(${a.status.note})</span>` : ''}
                  </td>
                  <td data-label="Since">${when(a.status?.since)}</td>
                  <td data-label="By">${a.status?.by ?? ''}</td>
                  ${
                    editor
                      ? rowFormCell(ctx, {
                          label: 'Change',
                          action: `/reps/${id}/availability`,
                          hidden: { name: 'status', value: away ? 'back' : 'away' },
                          // Back needs no note: it returns the rep to what the config says.
                          ...(!away && {
                            text: {
                              id: `note-${id}`,
                              name: 'note',
                              label: 'Note',
                              labelClass: 'muted',
                              widthClass: 'w10',
                            },
                          }),
                          button: { text: away ? `Mark ${id} back` : `Mark ${id} away`, class: 'secondary' },
                        })
                      : ''
                  }
                </tr>`;
              })}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="weights">
        <h2 id="weights">Weights and caps (active version ${active.version})</h2>
        ${
          editor
            ? html`<form method="post" action="${consoleBase}/reps/draft">
                ${csrfField(ctx)}${repTable(reps, false)}
                <div class="actions">
                  <button type="submit">Save as a draft</button
                  ><span class="muted">Review, simulate and publish it on the draft's page.</span>
                </div>
              </form>`
            : repTable(reps, false)
        }
      </section>`,
  });
}

export function repPages(app: FastifyInstance, deps: HttpDeps, auth: ConsoleAuth): void {
  const p = deps.pipeline;
  app.get(`${consoleBase}/reps`, { preHandler: auth.need('viewer') }, async (req, reply) =>
    sendHtml(reply, await repsPage(deps, auth.context(req))),
  );

  // The same pipeline step as PUT /v1/reps/:id/availability (validated, stored, audited as the signed-in admin).
  app.post(`${consoleBase}/reps/:id/availability`, { preHandler: auth.need('editor') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const status = field(req.body, 'status');
    const note = field(req.body, 'note')?.trim().slice(0, 500) || undefined;
    if (status !== 'away' && status !== 'back')
      return sendHtml(
        reply,
        await repsPage(deps, auth.context(req), notice('error', 'status is "away" or "back"')),
        400,
      );
    await setAvailability(p, id, status === 'away' ? { status, note } : { status, note }, req.adminWho!);
    req.log.info({ repId: id, status, by: req.adminWho }, 'rep availability set');
    return reply.redirect(`${consoleBase}/reps`, 303);
  });

  app.post(`${consoleBase}/reps/draft`, { preHandler: auth.need('editor') }, async (req, reply) => {
    const active = await configAdmin.getActiveConfigVersion(p);
    const draft = await configAdmin.createDraft(p, {
      name: `weights and caps from version ${active.version}`,
      document: applyRoutingForm(active.document, req.body as FormBody),
      author: req.adminWho!,
    });
    return reply.redirect(`${consoleBase}/config/drafts/${draft.id}`, 303);
  });
}
