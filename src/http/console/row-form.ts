// The last cell of a table row, for an editor: one form that changes that row (switch a
// connector's mode, mark a rep away or back) with its CSRF field, the hidden value it sends, an
// optional labelled text input and its button. Viewers get no cell: the caller leaves it out.
import { html, type Html } from './html.js';
import { consoleBase, csrfField, type PageContext } from './layout.js';

export interface RowForm {
  /** The cell's data-label (the column's heading on a phone). */
  label: string;
  /** The path under the console it posts to. */
  action: string;
  hidden: { name: string; value: string };
  text?: { id: string; name: string; label: string; labelClass?: string; widthClass: string; value?: string };
  button: { text: string; class?: string };
}

export function rowFormCell(ctx: PageContext, f: RowForm): Html {
  const t = f.text;
  return html`<td data-label="${f.label}">
    <form method="post" action="${consoleBase}${f.action}" class="actions">
      ${csrfField(ctx)}
      <input type="hidden" name="${f.hidden.name}" value="${f.hidden.value}" />
      ${
        t
          ? html`<label ${t.labelClass ? html`class="${t.labelClass}" ` : ''}for="${t.id}">${t.label}</label
              ><input
                id="${t.id}"
                name="${t.name}"
                maxlength="500"
                class="${t.widthClass}"
                ${t.value === undefined ? '' : html`value="${t.value}"`}
              />`
          : ''
      }
      <button type="submit" ${f.button.class ? html` class="${f.button.class}"` : ''}>${f.button.text}</button>
    </form>
  </td>`;
}
