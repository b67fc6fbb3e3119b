import { describe, expect, it } from 'vitest';
import { checkYaml } from '../../../../src/http/console/yaml-check.js';
import { annotatedYaml } from '../../../../src/http/console/draft-checks.js';
import { toText } from '../../../../src/http/console/html.js';

const text = `routing:
  reps:
    - id: ana
  pools:
    - id: inbound
      members: [ana]
  rules:
    - id: everyone
      when: { match: always }
      action:
        pool: nowhere
`;

describe('checkYaml', () => {
  it('puts a validation error at the line of the path it names, by item id', () => {
    const checked = checkYaml(text);
    if (!checked.ok) throw new Error('expected valid YAML');
    expect(
      checked.lines([
        { path: 'routing.rules[id=everyone].action.pool', message: 'pool "nowhere" does not exist' },
        { path: 'routing.pools[0].strategy', message: 'required' },
      ]),
    ).toEqual([
      { path: 'routing.rules[id=everyone].action.pool', message: 'pool "nowhere" does not exist', line: 11 },
      // A missing key has no node: the line of the item that lacks it.
      { path: 'routing.pools[0].strategy', message: 'required', line: 5 },
    ]);
  });

  it('reports a syntax error at its line and stores nothing', () => {
    expect(checkYaml('routing:\n  reps: [ana\n  pools: []\n')).toEqual({
      ok: false,
      issue: { path: '(yaml)', line: expect.any(Number), message: expect.stringMatching(/^not valid YAML: /) },
    });
    const bad = checkYaml('a: 1\nb: : 2\n');
    expect(bad.ok === false && bad.issue.line).toBe(2);
  });

  it('shows each error under its line, escaped', () => {
    const out = toText(annotatedYaml('a: 1\nb: <x>\n', [{ path: 'b', message: 'not <ok>', line: 2 }]));
    expect(out).toContain(
      '<li id="line-2" data-line="2" class="error">b: &lt;x&gt;<span class="message">b: not &lt;ok&gt;</span></li>',
    );
    expect(out).toContain('<li id="line-1" data-line="1">a: 1</li>');
  });
});
