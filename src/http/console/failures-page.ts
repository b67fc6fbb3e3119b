// Dead letters (docs/failures.md): the list, and a replay of all of them or of one (editors).
import type { FastifyInstance } from 'fastify';
import { listFailures, replayFailures } from '../../pipeline/index.js';
import type { HttpDeps } from '../deps.js';
import { field, type ConsoleAuth } from './auth.js';
import { html } from './html.js';
import { consoleBase, csrfField, notice, page, when } from './layout.js';
import { sendHtml } from './send.js';

export const failuresShown = 200;

export function failurePages(app: FastifyInstance, deps: HttpDeps, auth: ConsoleAuth): void {
  app.get(`${consoleBase}/failures`, { preHandler: auth.need('viewer') }, async (req, reply) => {
    const ctx = auth.context(req);
    const q = req.query as Record<string, string | undefined>;
    const found = await listFailures(deps.pipeline, { limit: failuresShown });
    const editor = ctx.session?.role === 'editor';
    const body = html`${q.replayed !== undefined ? notice('ok', `${q.replayed} dead letters put back to work.`) : ''}
    ${
      found.items.length === 0
        ? notice('ok', 'No dead letters.')
        : html`${
              editor
                ? html`<form method="post" action="${consoleBase}/failures/replay" class="actions">
                    ${csrfField(ctx)}
                    <button type="submit">Replay all ${found.items.length}${found.nextCursor ? '+' : ''}</button>
                  </form>`
                : ''
            }
            <div class="table-wrap">
              <table class="stack">
                <thead>
                  <tr>
                    <th>Last try (UTC)</th>
                    <th>Kind</th>
                    <th>Record</th>
                    <th>Code</th>
                    <th>Error</th>
                    <th class="num">Tries</th>
                    ${editor ? html`<th></th>` : ''}
                  </tr>
                </thead>
                <tbody>
                  ${found.items.map(
                    (f) =>
                      html`<tr>
                        <td data-label="Last try">${when(f.lastAttemptAt)}</td>
                        <td data-label="Kind">${f.kind}</td>
                        <td data-label="Record">
                          ${f.leadId ? html`<a href="${consoleBase}/leads/${f.leadId}">${f.record.crm}/${f.record.recordId}</a>` : `${f.record.crm}/${f.record.recordId}`}
                        </td>
                        <td data-label="Code">${f.code ?? ''}</td>
                        <td data-label="Error">${f.lastError ?? ''}</td>
                        <td data-label="Tries" class="num">${f.attempts}</td>
                        ${
                          editor
                            ? html`<td>
                                <form method="post" action="${consoleBase}/failures/replay">
                                  ${csrfField(ctx)}<input type="hidden" name="id" value="${f.id}" /><button
                                    type="submit"
                                    class="secondary"
                                  >
                                    Replay
                                  </button>
                                </form>
                              </td>`
                            : ''
                        }
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
    }`;
    return sendHtml(reply, page(ctx, { title: 'Dead letters', section: 'dashboard', body }));
  });

  app.post(`${consoleBase}/failures/replay`, { preHandler: auth.need('editor') }, async (req, reply) => {
    const id = field(req.body, 'id');
    const result = await replayFailures(deps.pipeline, { limit: 1000, ...(id && { ids: [id] }) });
    req.log.info(
      { by: req.adminWho, replayed: result.replayed.length, skipped: result.skipped.length },
      'dead letters replayed',
    );
    return reply.redirect(`${consoleBase}/failures?replayed=${result.replayed.length}`, 303);
  });
}
