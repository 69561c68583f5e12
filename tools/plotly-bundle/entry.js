'use strict';
// The trace types the mlf report draws (src/mlf/report/_charts.py): scatter (in core), bar,
// heatmap, histogram. Nothing else: no maps, no WebGL, no world calendars.
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/histogram'),
]);
module.exports = Plotly;
