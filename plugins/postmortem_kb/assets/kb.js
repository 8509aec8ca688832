/* postmortem-kb: sortable, filterable tables and plotly charts. Nothing is fetched from outside the site. */
(function () {
  "use strict";

  // plotly.js is served from the site next to this file and loaded only on pages with charts.
  var here = document.currentScript && document.currentScript.src;
  var plotlyUrl = here ? here.replace(/kb\.js(\?.*)?$/, "plotly.min.js") : null;
  var plotlyLoading = null;
  var PAGE_SIZE = 100; // rows of a data table drawn at a time: 10,000 rows at once would stall a phone

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

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  // Chart colours come from palette.py; on the dark scheme the served kb.css maps a light colour #rrggbb
  // to --pmkb-chart-rrggbb (unset on the light scheme and for colours that read on both).
  function recolour(value, style) {
    if (typeof value === "string" && /^#[0-9a-f]{6}$/i.test(value)) {
      return style.getPropertyValue("--pmkb-chart-" + value.slice(1).toLowerCase()).trim() || value;
    }
    if (Array.isArray(value)) return value.map(function (v) { return recolour(v, style); });
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (k) { out[k] = recolour(value[k], style); });
      return out;
    }
    return value;
  }

  // Follow mkdocs-material's light/dark palette: transparent backgrounds, theme text colour.
  function themed(layout) {
    var style = getComputedStyle(document.body);
    var fg = style.getPropertyValue("--md-default-fg-color").trim() || "#000";
    var grid = style.getPropertyValue("--md-default-fg-color--lightest").trim() || "#ddd";
    layout.paper_bgcolor = "rgba(0,0,0,0)";
    layout.plot_bgcolor = "rgba(0,0,0,0)";
    layout.font = Object.assign({}, layout.font || {}, { color: fg });
    Object.keys(layout).forEach(function (axis) {
      if (/^[xy]axis\d*$/.test(axis)) {
        layout[axis] = Object.assign({ showgrid: axis.charAt(0) === "y" }, layout[axis] || {}, {
          gridcolor: grid, zerolinecolor: grid, linecolor: grid
        });
      }
    });
    return layout;
  }

  function figureFor(box) {
    var figure = copy(box.pmkbFigure);
    var style = getComputedStyle(document.body);
    return { data: recolour(figure.data || [], style), layout: themed(recolour(figure.layout || {}, style)) };
  }

  var resized = typeof ResizeObserver === "function" ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      // instant navigation removes the old page's charts: forget them; a hidden chart keeps its size
      if (!entry.target.isConnected) { resized.unobserve(entry.target); return; }
      var plot = entry.target.querySelector(".js-plotly-plot");
      if (!plot || !window.Plotly || !entry.contentRect.width) return;
      window.Plotly.Plots.resize(plot).catch(function () {});
    });
  }) : null;

  function drawCharts() {
    var boxes = document.querySelectorAll("[data-pmkb-chart]");
    if (!boxes.length) return;
    loadPlotly().then(function () {
      boxes.forEach(function (box) {
        if (box.querySelector(".js-plotly-plot")) return;
        var source = box.querySelector("template");
        if (!source) return;
        var figure = JSON.parse(source.content.textContent);
        var layout = figure.layout || {};
        // The title as HTML above the plot: it wraps on a narrow screen, where an SVG title is cut off.
        var title = layout.title && (typeof layout.title === "string" ? layout.title : layout.title.text);
        if (title) {
          var caption = document.createElement("p");
          caption.className = "pmkb-chart__title";
          caption.textContent = title;
          box.appendChild(caption);
          delete layout.title;
          layout.margin = Object.assign({}, layout.margin || {}, { t: 8 });
        }
        figure.layout = layout;
        box.pmkbFigure = figure;
        var target = document.createElement("div");
        box.appendChild(target);
        var drawn = figureFor(box);
        window.Plotly.newPlot(target, drawn.data, drawn.layout, { responsive: true, displaylogo: false })
          .then(function () { box.setAttribute("data-pmkb-drawn", ""); });
        if (resized) resized.observe(box);
      });
    });
  }

  function restyleCharts() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-pmkb-chart]").forEach(function (box) {
      var plot = box.querySelector(".js-plotly-plot");
      if (!plot || !box.pmkbFigure) return;
      var drawn = figureFor(box);
      window.Plotly.react(plot, drawn.data, drawn.layout, { responsive: true, displaylogo: false });
    });
  }
  new MutationObserver(restyleCharts).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"]
  });

  function compare(x, y, ascending) {
    return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
  }

  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    if (!cell) return "";
    var raw = cell.getAttribute("data-value");
    var text = raw !== null ? raw : cell.textContent.trim();
    return kind === "number" ? parseFloat(text) || 0 : text.toLowerCase();
  }

  // A sortable header: click or Enter/Space toggles ascending and descending; `sort` does the work.
  function sortableHeader(th, headers, sort) {
    th.tabIndex = 0;
    th.setAttribute("aria-sort", "none");
    var toggle = function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      headers().forEach(function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      sort(ascending);
    };
    th.addEventListener("click", toggle);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
  }

  function makeSortable(table) {
    if (table.dataset.pmkbReady) return;
    table.dataset.pmkbReady = "1";
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    var all = function () { return Array.prototype.slice.call(headers); };
    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      sortableHeader(th, all, function (ascending) {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) { return compare(cellValue(a, index, kind), cellValue(b, index, kind), ascending); });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function asList(value) {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value.map(String) : [String(value)];
  }

  function rowValues(row, key) {
    var raw = row.dataset[key];
    if (raw === undefined) return [];
    try {
      return asList(JSON.parse(raw));
    } catch (e) {
      return [raw];
    }
  }

  // A row matches when, for every chosen filter, its value equals the choice or its list holds it:
  // exact, never a substring ("Jane" does not match "Jane Doe"). The text box alone matches words.
  function matches(values, wanted, text, words) {
    return wanted.every(function (w) { return values(w[0]).indexOf(w[1]) >= 0; }) &&
      (!words || text().indexOf(words) >= 0);
  }

  function chosen(form) {
    var wanted = [];
    form.querySelectorAll("select[data-filter]").forEach(function (s) {
      if (s.value) wanted.push([s.dataset.filter, s.value]);
    });
    var box = form.querySelector("input[data-filter-text]");
    return { wanted: wanted, words: box ? box.value.trim().toLowerCase() : "" };
  }

  function wireFilters(form) {
    if (form.dataset.pmkbReady) return;
    // the table follows the form, inside its scrolling wrapper
    var next = form.nextElementSibling;
    if (next && next.hasAttribute("data-pmkb-rows")) {
      if (!next.pmkbTable) return; // its data table is not drawn (yet)
      form.dataset.pmkbReady = "1";
      var update = function () { next.pmkbTable.filter(chosen(form)); };
      form.addEventListener("change", update);
      form.addEventListener("input", update);
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      return;
    }
    var table = next && (next.tagName === "TABLE" ? next : next.querySelector("table"));
    if (!table || !table.tBodies.length) return;
    form.dataset.pmkbReady = "1";
    var count = form.querySelector("[data-pmkb-count]");
    var noun = form.getAttribute("data-noun") || "rows";
    var apply = function () {
      var c = chosen(form);
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var ok = matches(function (key) { return rowValues(row, key); }, c.wanted,
          function () { return row.textContent.toLowerCase(); }, c.words);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " " + noun;
    };
    form.addEventListener("change", apply);
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  // Each rows file once per visit, whichever pages draw tables from it (instant navigation keeps this).
  var rowFiles = {};

  function loadRows(url) {
    if (!rowFiles[url]) {
      rowFiles[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.json();
      });
      rowFiles[url].catch(function () { delete rowFiles[url]; });
    }
    return rowFiles[url];
  }

  // A table drawn from a rows file of the site (pages/tables.py): {columns, fields, rows (lists in
  // `fields` order), incidents ([title, link, ...values of incident_fields]), incident_fields,
  // services (slug -> link)}, links relative to the file.
  // `data-pmkb-where` keeps the rows whose field equals each value or whose list holds it.
  function dataTable(box) {
    if (box.pmkbLoading) return;
    box.pmkbLoading = true;
    var url = new URL(box.getAttribute("data-pmkb-rows"), document.baseURI).href;
    var where = JSON.parse(box.getAttribute("data-pmkb-where") || "{}");
    loadRows(url).then(function (data) {
      if (!data.rows_from) return data;
      var from = new URL(data.rows_from, url).href;
      return loadRows(from).then(function (exported) { return fromExport(data, exported, from); });
    }).then(function (data) {
      if (box.isConnected) drawTable(box, data, url, where);
    }).catch(function (error) {
      box.pmkbLoading = false;
      var note = document.createElement("p");
      note.className = "pmkb-note";
      note.textContent = "The table's rows could not be loaded (" + error.message + ").";
      box.parentNode.insertBefore(note, box);
    });
  }

  // A rows file that names another file's rows (`rows_from`: exports/incidents.json, pandas' "split"
  // orient, oldest first) with how to show them (pages/incidents.py, rows_from_export): the rows
  // newest first, fields renamed, each row's incident ([title, absolute link]), year and severity rank.
  function fromExport(spec, exported, from) {
    var root = new URL(spec.root, from);
    var at = {};
    exported.columns.forEach(function (name, i) { at[name] = i; });
    var fields = exported.columns.map(function (name) { return spec.rename[name] || name; });
    var incidents = [];
    var rows = exported.data.slice().reverse().map(function (values, i) {
      var severity = values[at.severity];
      incidents.push([values[at.title], new URL(values[at.url], root).href]);
      return values.concat([i, String(values[at.date]).slice(0, 4), spec.severity_ranks[severity] || 4]);
    });
    return {
      columns: spec.columns, fields: fields.concat(["incident", "year", "severity_rank"]), rows: rows,
      incidents: incidents, incident_fields: [], services: spec.services
    };
  }

  function drawTable(box, source, url, where) {
    var table = box.querySelector("table");
    if (!table || box.pmkbTable) return;
    var data = {
      columns: source.columns,
      incidents: source.incidents.map(function (i) { return [i[0], new URL(i[1], url).href]; }),
      services: {}
    };
    Object.keys(source.services).forEach(function (slug) { data.services[slug] = new URL(source.services[slug], url).href; });
    var keys = Object.keys(where);
    var rows = [];
    var perIncident = source.incident_fields || [];
    source.rows.forEach(function (values) {
      var row = {};
      source.fields.forEach(function (name, i) { row[name] = values[i]; });
      // fields stored once with the row's incident (an action item's services and quarter)
      var incident = source.incidents[row.incident] || [];
      perIncident.forEach(function (name, i) { row[name] = incident[2 + i]; });
      // an action item's Status filter value: its status, and "Overdue" when it is (not sent per row)
      if ("overdue" in row && !("state" in row)) row.state = row.overdue ? [row.status, "Overdue"] : [row.status];
      if (keys.every(function (k) { return asList(row[k]).indexOf(String(where[k])) >= 0; })) rows.push(row);
    });
    var form = box.previousElementSibling;
    if (form && !form.hasAttribute("data-pmkb-filters")) form = null;
    var count = form && form.querySelector("[data-pmkb-count]");
    var noun = (form && form.getAttribute("data-noun")) || "rows";
    var shown = rows, page = 0;

    var headRow = document.createElement("tr");
    var headers = [];
    data.columns.forEach(function (column) {
      var th = document.createElement("th");
      th.textContent = column.label;
      headRow.appendChild(th);
      headers.push(th);
      if (!column.sort) return;
      th.setAttribute("data-sort", column.sort);
      sortableHeader(th, function () { return headers; }, function (ascending) {
        var key = function (row) { return sortKey(row, column); };
        shown = shown.slice().sort(function (a, b) { return compare(key(a), key(b), ascending); });
        page = 0;
        draw();
      });
    });
    table.tHead.appendChild(headRow);

    var pager = document.createElement("div");
    pager.className = "pmkb-pager";
    var previous = button("Previous", function () { page -= 1; draw(); });
    var position = document.createElement("span");
    var following = button("Next", function () { page += 1; draw(); });
    pager.appendChild(previous);
    pager.appendChild(position);
    pager.appendChild(following);
    box.parentNode.insertBefore(pager, box.nextSibling);

    function sortKey(row, column) {
      if (column.kind === "incident") return (data.incidents[row.incident] || [""])[0].toLowerCase();
      var value = row[column.sort_by || column.key];
      if (column.sort === "number") return parseFloat(value) || 0;
      return asList(value).join(", ").toLowerCase();
    }

    function cell(row, column) {
      var td = document.createElement("td");
      var value = row[column.key];
      if (column.kind === "incident") {
        var incident = data.incidents[value];
        if (incident) td.appendChild(anchor(incident[0], incident[1]));
      } else if (column.kind === "services") {
        asList(value).forEach(function (slug, i) {
          if (i) td.appendChild(document.createTextNode(", "));
          td.appendChild(data.services[slug] ? anchor(slug, data.services[slug]) : document.createTextNode(slug));
        });
      } else if (column.kind === "severity" || column.kind === "status") {
        var badge = document.createElement("span");
        badge.className = column.kind === "severity"
          ? "pmkb-sev pmkb-sev--" + (parseInt(row.severity_rank, 10) || 4)
          : "pmkb-status pmkb-status--" + String(value).toLowerCase().replace(/ /g, "-");
        badge.textContent = value;
        td.appendChild(badge);
      } else if (column.kind === "ticket" && row.ticket_url) {
        td.appendChild(anchor(value, row.ticket_url));
      } else if (column.kind === "due") {
        td.className = "pmkb-date";
        td.textContent = value || "–";
        if (row.overdue) {
          var mark = document.createElement("span");
          mark.className = "pmkb-overdue";
          mark.textContent = " overdue";
          td.appendChild(mark);
        }
      } else {
        td.textContent = asList(value).join(", ");
      }
      return td;
    }

    function draw() {
      var pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
      page = Math.min(Math.max(page, 0), pages - 1);
      var body = table.tBodies[0];
      var fragment = document.createDocumentFragment();
      shown.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE).forEach(function (row) {
        var tr = document.createElement("tr");
        data.columns.forEach(function (column) { tr.appendChild(cell(row, column)); });
        fragment.appendChild(tr);
      });
      body.textContent = "";
      body.appendChild(fragment);
      var first = shown.length ? page * PAGE_SIZE + 1 : 0;
      position.textContent = first + "–" + Math.min(shown.length, (page + 1) * PAGE_SIZE) + " of " + shown.length;
      previous.disabled = page === 0;
      following.disabled = page >= pages - 1;
      pager.hidden = shown.length <= PAGE_SIZE;
      if (count) count.textContent = shown.length + " " + noun;
    }

    box.pmkbTable = {
      filter: function (c) {
        shown = rows.filter(function (row) {
          return matches(function (key) { return asList(row[key]); }, c.wanted, function () {
            return data.columns.map(function (column) {
              return column.kind === "incident" ? (data.incidents[row.incident] || [""])[0] : asList(row[column.key]).join(" ");
            }).join(" ").toLowerCase();
          }, c.words);
        });
        headers.forEach(function (h) { if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none"); });
        page = 0;
        draw();
      }
    };
    draw();
    box.setAttribute("data-pmkb-drawn", "");
    if (form) wireFilters(form);
  }

  function anchor(text, href) {
    var a = document.createElement("a");
    a.textContent = text;
    a.setAttribute("href", href);
    return a;
  }

  function button(text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function init() {
    document.querySelectorAll("[data-pmkb-rows]").forEach(dataTable);
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
