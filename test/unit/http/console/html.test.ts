import { describe, expect, it } from 'vitest';
import { html, raw, toText } from '../../../../src/http/console/html.js';

describe('html``', () => {
  it('escapes every interpolated string, in content and in attributes', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(toText(html`<p title="${name}">${name}</p>`)).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
  });

  it('keeps nested fragments and raw markup, joins lists, drops null, undefined and false', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    // prettier-ignore
    const out = toText(html`<ul>${items}</ul>${null}${undefined}${false}${raw('<hr>')}${0}`);
    expect(out).toBe('<ul><li>a&lt;b</li><li>c</li></ul><hr>0');
  });

  it('does not take a look-alike object for markup', () => {
    expect(toText(html`${{ text: '<b>' } as never}`)).toBe('[object Object]');
  });
});
