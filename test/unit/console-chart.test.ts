// The dashboard's speed chart (src/http/console/chart.ts): every value it is given is drawn. A
// single bucket, or buckets with no percentiles, used to render axes only (a polyline of one
// point, or of none, draws nothing).
import { describe, expect, it } from 'vitest';
import { lineChart } from '../../src/http/console/chart.js';
import { toText } from '../../src/http/console/html.js';

const render = (values: Array<number | null>, labels = values.map((_, i) => `d${i}`)) =>
  toText(lineChart({ title: 't', labels, unit: 'ms', series: [{ name: 'p50', className: 'p50', values }] }));
const polylines = (svg: string) => [...svg.matchAll(/<polyline class="p50" points="([^"]*)"/g)].map((m) => m[1]!);
const dots = (svg: string) => [...svg.matchAll(/<circle class="p50" cx="([\d.]+)" cy="([\d.]+)"/g)].length;

describe('lineChart', () => {
  it('draws one bucket as a dot', () => {
    const svg = render([1500]);
    expect(dots(svg)).toBe(1);
    expect(polylines(svg)).toEqual([]);
  });

  it('draws a line through consecutive values, with a dot on each', () => {
    const svg = render([100, 200, 400]);
    expect(dots(svg)).toBe(3);
    expect(polylines(svg).map((p) => p.split(' ').length)).toEqual([3]);
  });

  it('leaves a gap at a bucket with no value instead of an empty or zero line', () => {
    const svg = render([100, 200, null, 300, null, 50, 60]);
    expect(dots(svg)).toBe(5);
    expect(polylines(svg).map((p) => p.split(' ').length)).toEqual([2, 2]);
    expect(svg).not.toContain('points=""');
  });
});
