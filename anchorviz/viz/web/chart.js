// The browser side of pages/common/chart.py (a Streamlit v2 component; its Python side sends the figure spec).
// One element per chart for the chart's whole life: each new spec goes through Plotly.react, so plotly.js
// redraws only what changed and keeps the user's zoom (uirevision). plotly.js is the copy next to this file
// (a partial build of the plotly package's plotly.js, see README.md here), loaded once per browser page, from the
// same server; the page's HTML starts loading it before this script runs (pages/common/serve.py).

const PLOTLY_URL = new URL('plotly.min.js', import.meta.url).href;

function loadPlotly() {
  return new Promise((res, rej) => {
    const s = document.createElement('script');
    s.src = PLOTLY_URL;
    s.onload = () => res(window.Plotly);
    s.onerror = () => { window.__avzPlotly = null; rej(new Error('plotly.js did not load from ' + PLOTLY_URL)); };
    document.head.appendChild(s);
  });
}

function plotlyReady() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__avzPlotly) window.__avzPlotly = loadPlotly();
  else if (!window.__avzPlotly.own) {
    // the page's HTML started loading plotly.js already (pages/common/serve.py): wait for it; should it fail,
    // load it from here
    const p = window.__avzPlotly.catch(() => loadPlotly());
    p.own = true;
    window.__avzPlotly = p;
  }
  return window.__avzPlotly;
}

function point(p) {
  const out = {x: p.x, y: p.y, curve_number: p.curveNumber, point_number: p.pointNumber,
               point_index: p.pointIndex};
  if (p.customdata !== undefined) out.customdata = p.customdata;
  return out;
}

export default function ({ parentElement, data, setTriggerValue }) {
  const gd = parentElement.querySelector('.avz-chart');
  gd.__avzSelect = data.select;
  if (gd.__avzSpec === data.spec) return;  // a rerun that left this figure as it was
  gd.__avzSpec = data.spec;
  const tCall = performance.now();
  plotlyReady().then(Plotly => {
    if (gd.__avzSpec !== data.spec) return;  // a newer spec arrived while plotly.js was loading
    const t0 = performance.now();
    const fig = JSON.parse(data.spec);
    const layout = Object.assign({uirevision: 'keep'}, fig.layout);
    if (data.select.includes('box') && layout.dragmode === undefined) layout.dragmode = 'select';
    const t1 = performance.now();
    Plotly.react(gd, fig.data, layout, data.config);
    gd.__avzDrawn = data.spec;  // what the chart shows now (benchmarks/w2_all_views.py waits for it)
    // benchmarks/w2_all_views.py --breakdown sets window.__avzDebug = [] before the page loads: one record a draw
    if (window.__avzDebug) window.__avzDebug.push({call: tCall, start: t0, parse: t1 - t0,
      react: performance.now() - t1, bytes: data.spec.length, traces: fig.data.length});
    if (gd.__avzBound) return;
    gd.__avzBound = true;
    // A chart drawn while hidden (a tab not open yet) has no width, and plotly.js falls back to 700 px; config
    // `responsive` follows window resizes only. Redraw at the element's own width whenever that changes.
    if (window.ResizeObserver) {
      let width = gd.getBoundingClientRect().width;
      new ResizeObserver(entries => {
        const w = entries[entries.length - 1].contentRect.width;
        if (w > 0 && Math.abs(w - width) > 0.5) {
          width = w;
          Plotly.Plots.resize(gd);
        }
      }).observe(gd);
    }
    const send = sel => setTriggerValue('selection', sel);
    gd.on('plotly_click', ev => {
      if (gd.__avzSelect.includes('points') && ev && ev.points && ev.points.length)
        send({points: ev.points.map(point), box: []});
    });
    gd.on('plotly_selected', ev => {
      if (!gd.__avzSelect.includes('box') || !ev || !ev.range) return;
      send({points: (ev.points || []).map(point), box: [{x: ev.range.x, y: ev.range.y}]});
    });
  }).catch(err => { gd.textContent = String(err); });
}
