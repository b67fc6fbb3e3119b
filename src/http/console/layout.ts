// The console's page shell: one nav, one main landmark, our stylesheet and htmx (both served by
// this app, assets.ts). Every page is complete HTML that works without script; htmx only swaps
// parts in place (search results, validation, simulation).
import { html, type Html, type HtmlValue } from './html.js';
import type { Session } from './session.js';

export const consoleBase = '/admin';

export interface PageContext {
  session?: Session;
  /** The CSRF token every changing form of this page carries (undefined when signed out). */
  csrf?: string;
}

export type Section = 'dashboard' | 'leads' | 'config' | 'reps' | 'none';

const sections: Array<{ id: Section; label: string; href: string }> = [
  { id: 'dashboard', label: 'Dashboard', href: `${consoleBase}` },
  { id: 'leads', label: 'Leads', href: `${consoleBase}/leads` },
  { id: 'config', label: 'Config', href: `${consoleBase}/config` },
  { id: 'reps', label: 'Reps', href: `${consoleBase}/reps` },
];

/** The hidden CSRF field of a changing form. */
export const csrfField = (ctx: PageContext): Html =>
  html`<input type="hidden" name="_csrf" value="${ctx.csrf ?? ''}" />`;

export function page(ctx: PageContext, opts: { title: string; section: Section; body: HtmlValue }): Html {
  const s = ctx.session;
  const nav = s
    ? html`<nav aria-label="Console">
        <ul>
          ${sections.map(
            (x) =>
              html`<li>
                <a href="${x.href}" ${x.id === opts.section ? html`aria-current="page"` : ''}>${x.label}</a>
              </li>`,
          )}
        </ul>
        <form method="post" action="${consoleBase}/sign-out" class="sign-out">
          ${csrfField(ctx)}
          <span class="who">${s.who} (${s.role})</span>
          <button type="submit">Sign out</button>
        </form>
      </nav>`
    : '';
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorCSS": false}' />
        <title>${opts.title} · lead-router</title>
        <link rel="stylesheet" href="${consoleBase}/assets/console.css" />
        <script src="${consoleBase}/assets/htmx.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header><span class="brand">lead-router</span>${nav}</header>
        <main id="main" tabindex="-1">
          <h1>${opts.title}</h1>
          ${opts.body}
        </main>
      </body>
    </html>`;
}

/** A status line screen readers announce when htmx swaps it in. */
export const notice = (kind: 'ok' | 'error', text: HtmlValue): Html =>
  html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;

export const when = (d: string | Date | null | undefined): string =>
  d
    ? new Date(d)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, 'Z')
    : '';
