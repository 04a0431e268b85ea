// Draws every chart of a page with uPlot from the JSON the page embeds:
//   <div class="chart" id="C" data-chart="C-data"></div>
//   <script type="application/json" id="C-data">{...}</script>
// The JSON (central/console/charts.py): {"title", "x": [unix seconds], "x_labels": [...],
// "time": true|false, "x_format" (optional uPlot date template), "series": [{"label", "values": [...], "step": bool, "bars": bool,
// "axis": "left"|"right", "color"}], "y_label", "y2_label"}.
// The same data is in a text table beside the chart (the charts.html macro), so the chart
// adds nothing a screen reader misses; without JavaScript the table is all there is.
(function () {
  "use strict";
  var PALETTE = ["#0a3a82", "#6b0000", "#0b3d17", "#4a3000", "#3b0a5c"];
  // Axis text is drawn on the canvas in uPlot's own font (system-ui) unless told: Debian has no
  // Thai system font, so every axis names the console's bundled Sarabun, and charts are drawn
  // once it has loaded (text drawn before would keep the fallback's empty boxes).
  var FAMILY = 'Sarabun, "Noto Sans Thai", sans-serif';
  var FONT = "13px " + FAMILY;
  var LABEL_FONT = "bold 13px " + FAMILY;

  function textWidth(texts) {
    var ctx = document.createElement("canvas").getContext("2d");
    ctx.font = FONT;
    return texts.reduce(function (w, t) { return Math.max(w, ctx.measureText(t).width); }, 0);
  }

  function axis(extra) {
    var a = { stroke: "#1a1a1a", grid: { stroke: "#d0d0d0" }, font: FONT, labelFont: LABEL_FONT };
    Object.keys(extra || {}).forEach(function (k) { a[k] = extra[k]; });
    return a;
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source || typeof uPlot === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var columns = [data.x];
    var series = [{ label: data.x_label || "", value: function (u, v, si, i) {
      return i == null ? "-" : (data.x_labels ? data.x_labels[i] : v);
    } }];
    var scales = { x: { time: !!data.time } };
    if (data.x_range) { scales.x.range = data.x_range; }
    var xAxis = axis();
    if (data.time) {  // e.g. "{DD}/{MM} {HH}:{mm}", in Bangkok time; day first, never M/D
      var fmt = uPlot.fmtDate(data.x_format || "{DD}/{MM}");
      xAxis.values = function (u, vals) {
        return vals.map(function (v) { return fmt(uPlot.tzDate(new Date(v * 1e3), "Asia/Bangkok")); });
      };
    }
    var axes = [xAxis, axis({ label: data.y_label || "" })];
    var right = false;
    data.series.forEach(function (s, i) {
      columns.push(s.values);
      var color = s.color || PALETTE[i % PALETTE.length];
      // a null is "not known then" (a terminal silent, say): a gap, never a line across it
      var one = { label: s.label, stroke: color, width: 2, spanGaps: false,
                  scale: s.axis === "right" ? "y2" : "y" };
      if (s.step) { one.paths = uPlot.paths.stepped({ align: 1 }); }
      if (s.bars) { one.paths = uPlot.paths.bars({ size: [0.6, 40] }); one.fill = color; }
      if (s.axis === "right") { right = true; }
      series.push(one);
    });
    if (right) {
      scales.y2 = { range: data.y2_range || null };
      var ticks = data.y2_ticks || {};
      // wide enough for the longest tick ("ยังไม่เคยรายงาน", "never seen") and the axis label
      var size = Math.ceil(textWidth(Object.keys(ticks).map(function (k) { return ticks[k]; }))) + 44;
      axes.push(axis({ scale: "y2", side: 1, size: Math.max(60, size), label: data.y2_label || "",
                       grid: { show: false }, incrs: [1],
                       values: data.y2_ticks ? function (u, vals) {
                         return vals.map(function (v) { return ticks[v] || ""; });
                       } : undefined }));
    }
    var width = Math.max(320, el.clientWidth || 640);
    el.innerHTML = "";
    el.setAttribute("data-drawn", "true");
    // in a figure the figcaption is the title already
    new uPlot({ title: el.closest("figure") ? "" : (data.title || ""), width: width, height: 260, series: series,
                scales: scales, axes: axes,
                tzDate: data.time ? function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Asia/Bangkok"); } : undefined },
              columns, el);
  }

  function drawAll(root) {
    var go = function () { (root || document).querySelectorAll("[data-chart]").forEach(draw); };
    if (document.fonts && document.fonts.load) {
      Promise.all([document.fonts.load(FONT), document.fonts.load(LABEL_FONT)]).then(go, go);
    } else { go(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(); });
  } else { drawAll(); }
  document.addEventListener("htmx:afterSettle", function (e) { drawAll(e.target); });
  window.consoleCharts = { drawAll: drawAll };
})();
