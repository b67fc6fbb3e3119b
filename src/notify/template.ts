// Notification templates: text with {{variable}} placeholders an admin edits in the config
// document. Pure. A placeholder is a name of letters and digits; nothing else is special, so a
// template can never run code or reach anything but the variables its event offers.
const placeholder = /\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g;
const unclosed = /\{\{(?![^{}]*\}\})/;

/** The variable names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(placeholder)].map((m) => m[1]!))];
}

/** Problems of one template against the variables its event offers (empty: fine). */
export function templateProblems(template: string, known: readonly string[]): string[] {
  const out: string[] = [];
  if (unclosed.test(template.replace(placeholder, ''))) out.push('has a "{{" that does not close as {{name}}');
  for (const name of templateVariables(template))
    if (!known.includes(name)) out.push(`uses unknown variable {{${name}}}; this event offers ${known.join(', ')}`);
  return out;
}

/** Fills the placeholders; a variable without a value renders as an empty string. */
export function renderTemplate(template: string, vars: Readonly<Record<string, string | number | undefined>>): string {
  return template.replace(placeholder, (_, name: string) => {
    const v = vars[name];
    return v === undefined ? '' : String(v);
  });
}
