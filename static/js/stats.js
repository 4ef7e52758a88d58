// An artist's stats page: daily charts (uPlot, vendored) drawn from the numbers the page embeds.
// The table stays on the page as the accessible, no-JavaScript form; once the charts are up it
// folds away behind its summary.
(function () {
  "use strict";

  var COLOURS = ["#b3261e", "#1565c0", "#1b5e20"];
  var HEIGHT = 200;

  function seconds(isoDate) {
    var p = isoDate.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]) / 1000;
  }

  // Escaped, so the file reads the same whatever charset it is served with.
  var EURO = "\u20ac";

  function euros(v) {
    return v == null ? "\u2013" : EURO + v.toFixed(2);
  }

  function options(chart, data, width) {
    var isMoney = chart.series.indexOf("tips_amount") !== -1;
    var series = [{ label: "Date", value: "{D} {MMM} {YYYY}" }];
    chart.series.forEach(function (name, i) {
      series.push({
        label: data.labels[name],
        stroke: COLOURS[i % COLOURS.length],
        width: 2,
        points: { size: 5 },
        value: isMoney ? function (u, v) { return euros(v); } : undefined,
      });
    });
    return {
      width: width,
      height: HEIGHT,
      series: series,
      // The dates are site-time calendar days: draw them as they are, whatever the browser's zone.
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max, isMoney ? 1 : 4)]; } } },
      axes: [
        {},
        isMoney
          ? { values: function (u, ticks) { return ticks.map(function (t) { return EURO + (Number.isInteger(t) ? t : t.toFixed(2)); }); } }
          : { values: function (u, ticks) { return ticks.map(function (t) { return Number.isInteger(t) ? t : ""; }); } },
      ],
    };
  }

  function draw() {
    var root = document.querySelector("[data-stats-charts]");
    var source = document.getElementById("stats-data");
    if (!root || !source || typeof window.uPlot === "undefined") return;
    var data = JSON.parse(source.textContent);
    var xs = data.dates.map(seconds);
    root.hidden = false;
    var plots = data.charts.map(function (chart) {
      var target = root.querySelector('[data-chart="' + chart.id + '"]');
      var columns = [xs].concat(chart.series.map(function (name) { return data.series[name]; }));
      return { target: target, plot: new uPlot(options(chart, data, target.clientWidth || 320), columns, target) };
    });
    var table = document.querySelector("[data-stats-table]");
    if (table) table.open = false;

    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        plots.forEach(function (p) { p.plot.setSize({ width: p.target.clientWidth || 320, height: HEIGHT }); });
      }, 150);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
