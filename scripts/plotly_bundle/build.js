// node build.js TRACES OUT: a partial plotly.js bundle holding exactly the trace types TRACES (comma separated),
// built as plotly.js builds its own partial bundles (its esbuild settings from esbuild-config.js: minified IIFE,
// the regl alias, inlined CSS and GLSL) and wrapped as its dist files are (the licence header, then a wrapper that
// sets window.Plotly). The first line names the traces: tests/test_viz_web.py reads it.
'use strict';
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

const [traces, out] = [process.argv[2].split(',').sort(), process.argv[3]];
const pjs = path.dirname(require.resolve('plotly.js/package.json'));
const version = require('plotly.js/package.json').version;
const entry = path.join(pjs, 'lib', 'index-anchorviz.js');
fs.writeFileSync(entry, "'use strict';\nvar Plotly = require('./core');\nPlotly.register([\n" +
  traces.filter(t => t !== 'scatter').map(t => `  require('./${t}'),\n`).join('') + ']);\nmodule.exports = Plotly;\n');

// the full dist file's own header: its licence comment and the wrapper's opening, up to the bundle's code
const full = fs.readFileSync(path.join(pjs, 'dist', 'plotly.min.js'), 'utf8');
const head = full.slice(0, full.indexOf('"use strict";var Plotly='));
if (!head.includes(`plotly.js v${version}`)) throw new Error('unexpected header in dist/plotly.min.js');

esbuild.build({
  entryPoints: [entry], outfile: out, format: 'iife', globalName: 'Plotly', bundle: true, minify: true,
  sourcemap: false, target: 'es2016', logLevel: 'warning', legalComments: 'eof',
  plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
  alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
  define: { global: 'window', 'define.amd': 'false' },
  banner: { js: `/* plotly.js v${version} partial bundle for anchorviz, traces: ${traces.join(',')} */\n` + head },
  footer: { js: '\nwindow.Plotly = Plotly;\nreturn Plotly;\n}));' },
}).then(() => console.log(`plotly.js v${version} [${traces.join(', ')}] -> ${out} (${fs.statSync(out).size} bytes)`))
  .catch(err => { console.error(err); process.exit(1); });
