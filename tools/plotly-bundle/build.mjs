// Build plotly.js with only the trace types the mlf report draws (see README.md beside the output).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

// Attribute help texts are for schema tools, not for drawing; plotly.js's own dist bundles drop
// them too. Remove `description: '...'` and `description: [...].join(...)` from plotly.js/src.
const acorn = require('acorn');
const walk = require('acorn-walk');
const dropDescriptions = {
  name: 'drop-descriptions',
  setup(b) {
    b.onLoad({ filter: /plotly\.js[\\/]src[\\/].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const ast = acorn.parse(text, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true });
      const cuts = [];
      walk.full(ast, (node) => {
        if (node.type !== 'ObjectExpression') return;
        node.properties.forEach((p, i) => {
          if (p.type !== 'Property' || p.computed || (p.key.name ?? p.key.value) !== 'description') return;
          const next = node.properties[i + 1];
          const prev = node.properties[i - 1];
          if (next) cuts.push([p.start, next.start]);
          else if (prev) cuts.push([prev.end, p.end]);
          else cuts.push([p.start, p.end]);
        });
      });
      cuts.sort((x, y) => y[0] - x[0]);
      let out = text;
      for (const [s, e] of cuts) out = out.slice(0, s) + out.slice(e);
      return { contents: out, loader: 'js' };
    });
  },
};

// The only CSS file plotly.js imports is maplibre-gl's, for map traces, which this bundle does
// not have; replace it with nothing (it would also make the output depend on the build path,
// since the CSS plugin names its <style> element by a hash of the file's absolute path).
const noMapCss = {
  name: 'no-map-css',
  setup(b) {
    b.onResolve({ filter: /^maplibre-gl\/dist\/maplibre-gl\.css$/ }, () => ({
      path: 'maplibre-gl.css', namespace: 'no-map-css',
    }));
    b.onLoad({ filter: /.*/, namespace: 'no-map-css' }, () => ({ contents: '', loader: 'js' }));
  },
};

const version = require('plotly.js/package.json').version;
await build({
  entryPoints: ['./entry.js'], outfile: process.argv[2] || './out/plotly-mlf.min.js',
  format: 'iife', globalName: 'Plotly', bundle: true, minify: true, sourcemap: false,
  banner: { js: `/**\n* plotly.js v${version} (mlf partial bundle: scatter, bar, heatmap, histogram)\n* Copyright 2012-2026, Plotly, Inc. All rights reserved.\n* Licensed under the MIT license\n*/` },
  footer: { js: 'window.Plotly = Plotly;' },
  plugins: [noMapCss, dropDescriptions, InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
  alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
  define: { global: 'window', 'define.amd': 'false' }, target: 'es2016', logLevel: 'info',
});
