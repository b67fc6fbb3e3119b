// A line chart as inline SVG (no script, no style attribute: the CSP allows it), with a title for
// screen readers; the numbers are always in a table next to it too. Each value gets a dot, runs of
// values a line (marks()).
import { html, type Html } from './html.js';

export interface Series {
  name: string;
  /** One value per label; null: no data for that label. */
  values: Array<number | null>;
  className: string;
}

const width = 640;
const height = 200;
const pad = { left: 56, right: 12, top: 12, bottom: 28 };

export function lineChart(opts: { title: string; labels: string[]; series: Series[]; unit: string }): Html {
  const all = opts.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...all);
  const n = opts.labels.length;
  const x = (i: number) => pad.left + (n <= 1 ? 0 : (i * (width - pad.left - pad.right)) / (n - 1));
  const y = (v: number) => pad.top + (1 - v / max) * (height - pad.top - pad.bottom);
  const every = Math.max(1, Math.ceil(n / 8));
  const fmt = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ${opts.unit}`);
  return html`<figure class="chart">
    <svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${opts.title}" width="${width}" height="${height}">
      <line x1="${pad.left}" y1="${y(0)}" x2="${width - pad.right}" y2="${y(0)}" stroke="#8c959f" />
      <line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${y(0)}" stroke="#8c959f" />
      <text x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end" font-size="11">${fmt(max)}</text>
      <text x="${pad.left - 6}" y="${y(0)}" text-anchor="end" font-size="11">0</text>
      ${opts.labels.map((l, i) =>
        i % every === 0
          ? html`<text x="${x(i)}" y="${height - 8}" text-anchor="middle" font-size="11">${l}</text>`
          : '',
      )}
      ${opts.series.map((s) => {
        const { lines, dots } = marks(s.values, x, y);
        return html`${lines.map(
          (points) => html`<polyline class="${s.className}" points="${points}" fill="none" stroke-width="2" />`,
        )}${dots.map(([cx, cy]) => html`<circle class="${s.className}" cx="${cx}" cy="${cy}" r="2.5" />`)}`;
      })}
    </svg>
    <figcaption>${opts.series.map((s) => html`<span class="key ${s.className}">${s.name}</span> `)}</figcaption>
  </figure>`;
}

/**
 * A series' marks: a dot on every value, and a line through each run of consecutive values (a
 * null is a gap, not a fall to zero). A polyline of one point draws nothing: the dots keep a
 * single bucket, or one between two gaps, visible.
 */
export function marks(
  values: Array<number | null>,
  x: (i: number) => number,
  y: (v: number) => number,
): { lines: string[]; dots: Array<[string, string]> } {
  const lines: string[] = [];
  const dots: Array<[string, string]> = [];
  let run: string[] = [];
  const end = () => {
    if (run.length > 1) lines.push(run.join(' '));
    run = [];
  };
  values.forEach((v, i) => {
    if (v === null) return end();
    const p: [string, string] = [x(i).toFixed(1), y(v).toFixed(1)];
    dots.push(p);
    run.push(p.join(','));
  });
  end();
  return { lines, dots };
}
