// The console's stylesheet (served at /admin/assets/console.css). Small on purpose: system fonts,
// readable tables at 1280 px, one column on a phone, visible focus for keyboard users.
export const consoleCss = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --accent: #0b5cad; --bad: #b42318; --good: #1a7f37; --warn-bg: #fff4e5; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .5rem 1rem; border-bottom: 1px solid var(--line); background: #f6f8fa; }
.brand { font-weight: 700; }
nav { display: flex; flex: 1; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem; }
nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
nav a { color: var(--accent); text-decoration: none; padding: .25rem 0; }
nav a[aria-current="page"] { font-weight: 700; border-bottom: 2px solid var(--accent); }
.who { color: var(--muted); margin-right: .5rem; font-size: .9em; }
main { max-width: 1240px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; } h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .25rem .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: #f6f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.table-wrap { overflow-x: auto; }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .5rem 1rem; align-items: end; }
label { display: block; font-weight: 600; font-size: .9em; }
input, select, textarea, button { font: inherit; }
input, select { width: 100%; padding: .3rem .4rem; border: 1px solid #8c959f; border-radius: 4px; }
input[type="checkbox"] { width: auto; }
textarea { width: 100%; min-height: 24rem; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; padding: .5rem; border: 1px solid #8c959f; border-radius: 4px; }
button { padding: .35rem .9rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
.notice { padding: .5rem .75rem; border-radius: 4px; border: 1px solid var(--line); }
.notice.ok { border-color: var(--good); color: var(--good); }
.notice.error { border-color: var(--bad); color: var(--bad); }
pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; padding: .75rem; border-radius: 4px; font-size: 13px; }
ol.yaml { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; background: #f6f8fa; padding: .5rem .5rem .5rem 3.5rem; border-radius: 4px; max-height: 30rem; overflow: auto; }
ol.yaml li { white-space: pre; }
ol.yaml li.error { background: #ffebe9; }
ol.yaml .message { display: block; white-space: normal; color: var(--bad); font-family: system-ui, sans-serif; }
ul.errors li { color: var(--bad); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; }
.card .big { font-size: 1.8rem; font-weight: 700; }
.bar { display: inline-block; height: .7rem; background: var(--accent); vertical-align: middle; }
.bar.target { background: #8c959f; }
.changed { background: var(--warn-bg); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; word-break: break-word; }
.muted { color: var(--muted); }
.w4 { max-width: 4rem; } .w6 { max-width: 6rem; } .w8 { max-width: 8rem; } .w10 { max-width: 10rem; } .w12 { max-width: 12rem; } .w20 { max-width: 20rem; } .w30 { max-width: 30rem; }
textarea.short { min-height: 6rem; }
figure.chart { margin: .5rem 0; } figure.chart svg { max-width: 100%; height: auto; }
polyline.p50 { stroke: #1a7f37; } polyline.p95 { stroke: #0b5cad; } polyline.p99 { stroke: #b42318; }
circle.p50 { fill: #1a7f37; } circle.p95 { fill: #0b5cad; } circle.p99 { fill: #b42318; }
.key::before { content: ""; display: inline-block; width: .8rem; height: .2rem; margin-right: .3rem; vertical-align: middle; background: currentColor; }
.key.p50 { color: #1a7f37; } .key.p95 { color: #0b5cad; } .key.p99 { color: #b42318; }
meter { width: 8rem; }
@media (max-width: 640px) {
  main { padding: .5rem; }
  table.stack thead { display: none; }
  table.stack tr { display: block; border-bottom: 1px solid var(--line); padding: .25rem 0; }
  table.stack td { display: block; border: 0; padding: .1rem .25rem; text-align: left; }
  table.stack td::before { content: attr(data-label) ": "; font-weight: 600; }
  dl.facts { grid-template-columns: 1fr; }
}
`;
