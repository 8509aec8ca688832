/* postmortem-kb: sortable, filterable tables and plotly charts. Nothing is fetched from outside the site. */
(function () {
  "use strict";

  // plotly.js is served from the site next to this file and loaded only on pages with charts.
  var here = document.currentScript && document.currentScript.src;
  var plotlyUrl = here ? here.replace(/kb\.js(\?.*)?$/, "plotly.min.js") : null;
  var plotlyLoading = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve();
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = plotlyUrl;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return plotlyLoading;
  }

  // Follow mkdocs-material's light/dark palette: transparent backgrounds, theme text colour.
  function themed(layout) {
    var style = getComputedStyle(document.body);
    var fg = style.getPropertyValue("--md-default-fg-color").trim() || "#000";
    var grid = style.getPropertyValue("--md-default-fg-color--lightest").trim() || "#ddd";
    layout.paper_bgcolor = "rgba(0,0,0,0)";
    layout.plot_bgcolor = "rgba(0,0,0,0)";
    layout.font = Object.assign({}, layout.font || {}, { color: fg });
    ["xaxis", "yaxis", "xaxis2", "yaxis2"].forEach(function (axis) {
      if (axis === "xaxis" || axis === "yaxis" || layout[axis]) {
        layout[axis] = Object.assign({ showgrid: axis.charAt(0) === "y" }, layout[axis] || {}, {
          gridcolor: grid, zerolinecolor: grid, linecolor: grid
        });
      }
    });
    return layout;
  }

  function drawCharts() {
    var boxes = document.querySelectorAll("[data-pmkb-chart]");
    if (!boxes.length) return;
    loadPlotly().then(function () {
      boxes.forEach(function (box) {
        if (box.querySelector(".js-plotly-plot")) return;
        var source = box.querySelector("template");
        if (!source) return;
        var figure = JSON.parse(source.content.textContent);
        var target = document.createElement("div");
        box.appendChild(target);
        window.Plotly.newPlot(target, figure.data || [], themed(figure.layout || {}), {
          responsive: true, displaylogo: false
        });
      });
    });
  }

  function restyleCharts() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-pmkb-chart] .js-plotly-plot").forEach(function (plot) {
      window.Plotly.relayout(plot, themed(Object.assign({}, plot.layout)));
    });
  }
  new MutationObserver(restyleCharts).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"]
  });

  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    if (!cell) return "";
    var raw = cell.getAttribute("data-value");
    var text = raw !== null ? raw : cell.textContent.trim();
    return kind === "number" ? parseFloat(text) || 0 : text.toLowerCase();
  }

  function makeSortable(table) {
    if (table.dataset.pmkbReady) return;
    table.dataset.pmkbReady = "1";
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      var sort = function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
          return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  function rowValues(row, key) {
    var raw = row.dataset[key];
    if (raw === undefined) return [];
    try {
      var value = JSON.parse(raw);
      return Array.isArray(value) ? value.map(String) : [String(value)];
    } catch (e) {
      return [raw];
    }
  }

  function wireFilters(form) {
    if (form.dataset.pmkbReady) return;
    form.dataset.pmkbReady = "1";
    // the table follows the form, inside its scrolling wrapper
    var next = form.nextElementSibling;
    var table = next && (next.tagName === "TABLE" ? next : next.querySelector("table"));
    if (!table || !table.tBodies.length) return;
    var count = form.querySelector("[data-pmkb-count]");
    var noun = form.getAttribute("data-noun") || "rows";
    var apply = function () {
      var wanted = [];
      form.querySelectorAll("select[data-filter]").forEach(function (s) {
        if (s.value) wanted.push([s.dataset.filter, s.value]);
      });
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        // data-<filter> holds JSON: a value or a list of values. A row matches when, for every
        // chosen filter, the value equals the choice or the list holds it: exact, never a substring.
        var ok = wanted.every(function (w) {
          return rowValues(row, w[0]).indexOf(w[1]) >= 0;
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " " + noun;
    };
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  function init() {
    document.querySelectorAll("table[data-pmkb-table]").forEach(makeSortable);
    document.querySelectorAll("form[data-pmkb-filters]").forEach(wireFilters);
    drawCharts();
  }

  // mkdocs-material's instant navigation swaps page content without a reload: re-run on every page.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
