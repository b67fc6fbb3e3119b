// What the draft page shows under the editor: validation errors at their lines (a list, and the
// YAML with each error under its line), and the diff against the active version.
import { formatChange, type ConfigChange } from '../../config/index.js';
import type { FieldIssue } from '../../errors.js';
import { html, type Html } from './html.js';
import { notice } from './layout.js';

export function issueList(issues: FieldIssue[]): Html {
  return html`<ul class="errors" aria-label="Validation errors">
    ${issues.map(
      (i) =>
        html`<li data-path="${i.path}">
          ${i.line !== undefined ? html`<a href="#line-${i.line}">line ${i.line}</a>: ` : ''}<code>${i.path}</code>
          ${i.message}
        </li>`,
    )}
  </ul>`;
}

/** The text with line numbers, each error shown under the line it points at. */
export function annotatedYaml(text: string, issues: FieldIssue[]): Html {
  const byLine = new Map<number, FieldIssue[]>();
  for (const i of issues) if (i.line !== undefined) byLine.set(i.line, [...(byLine.get(i.line) ?? []), i]);
  const lines = text.replace(/\n$/, '').split('\n');
  // A syntax error at the end of the text points one line past it: show that line too.
  const last = Math.max(0, ...byLine.keys());
  while (lines.length < last) lines.push('');
  // The lines are shown with white-space: pre, so no whitespace may be added around them.
  // prettier-ignore
  const items = lines.map((l, n) => {
    const at = byLine.get(n + 1);
    return html`<li id="line-${n + 1}" data-line="${n + 1}"${at ? html` class="error"` : ''}>${l || ' '}${at ? at.map((i) => html`<span class="message">${i.path}: ${i.message}</span>`) : ''}</li>`;
  });
  return html`<ol class="yaml" aria-label="The YAML with errors at their lines">
    ${items}
  </ol>`;
}

export function validationPanel(text: string, issues: FieldIssue[], warnings: FieldIssue[] = []): Html {
  if (issues.length === 0)
    return html`${notice('ok', 'The draft is valid.')}${
      warnings.length
        ? html`<p>Warnings (they do not block a publish):</p>
            ${issueList(warnings)}`
        : ''
    }`;
  return html`${notice('error', `${issues.length} ${issues.length === 1 ? 'error' : 'errors'}: fix ${issues.length === 1 ? 'it' : 'them'} before publishing.`)}
  ${issueList(issues)}${annotatedYaml(text, issues)}`;
}

export function diffPanel(changes: ConfigChange[], against: number | null): Html {
  if (changes.length === 0) return html`<p class="muted">No changes against version ${against ?? '—'}.</p>`;
  return html`<p>${changes.length} ${changes.length === 1 ? 'change' : 'changes'} against version ${against ?? '—'}:</p>
    <pre class="diff">${changes.map((c) => `${formatChange(c)}\n`).join('')}</pre>`;
}
