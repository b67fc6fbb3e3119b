// Server-rendered HTML for the console: a tagged template that escapes every interpolated value
// unless it is already Html (built by this template or `raw`). Ours rather than a library: the
// console needs escaping, nesting and lists, which is these 40 lines, and nothing to keep up to date.

const brand = Symbol('html');

/** A fragment known to be safe HTML. */
export interface Html {
  readonly [brand]: true;
  readonly text: string;
}

const make = (text: string): Html => ({ [brand]: true, text });

const isHtml = (v: unknown): v is Html => typeof v === 'object' && v !== null && brand in v;

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in a quoted attribute value. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => entities[c]!);

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (isHtml(v)) return v.text;
  return escapeHtml(String(v));
}

/** html`<p>${name}</p>`: strings are escaped, Html is kept, arrays are joined, null/undefined/false vanish. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return make(out);
}

/** Trusted markup (our own constants only; never a value from a request or the database). */
export const raw = (text: string): Html => make(text);

/** The final text of a fragment, for reply.send. */
export const toText = (h: Html): string => h.text;
