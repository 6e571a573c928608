// Shared drawing for the page: a day-count timeline (uPlot) and a place map (Leaflet over a
// Natural Earth outline served by this server; no tiles, nothing fetched from elsewhere).
"use strict";
const NF = (window.NF = {});
const DAY_S = 86400;

NF.data = () => JSON.parse(document.getElementById("page-data").textContent);

NF.dayToTs = (day) => Date.parse(day + "T00:00:00Z") / 1000;
NF.tsToDay = (ts) => new Date(Math.round(ts / DAY_S) * DAY_S * 1000).toISOString().slice(0, 10);

// Search URL from the current one with some parameters set (null removes); paging restarts.
NF.searchUrl = (changes, add) => {
  const params = new URLSearchParams(location.pathname === "/" ? location.search : "");
  params.delete("page");
  for (const [k, v] of Object.entries(changes || {})) v == null ? params.delete(k) : params.set(k, v);
  for (const [k, v] of Object.entries(add || {})) {
    if (!params.getAll(k).includes(v)) params.append(k, v);
  }
  const q = params.toString();
  return "/" + (q ? "?" + q : "");
};

// Ticks on whole days, weeks, months, years; labelled as days (or months, years when zoomed out).
const DAY_INCRS = [1, 2, 7, 14, 30, 61, 91, 182, 365, 730, 1826, 3652, 7305, 18262, 36525].map((d) => d * DAY_S);
function dayLabels(u, splits) {
  const span = (u.scales.x.max - u.scales.x.min) / DAY_S;
  const chars = span > 3 * 365 ? 4 : span > 60 ? 7 : 10; // years, months or days, by how much is shown
  return splits.map((ts) => new Date(ts * 1000).toISOString().slice(0, chars));
}

// Days [{day, count}] -> continuous uPlot columns (missing days are zero-height bars).
function columns(days) {
  const byTs = new Map(days.map((d) => [NF.dayToTs(d.day), d.count]));
  const all = [...byTs.keys()].sort((a, b) => a - b);
  const xs = [], ys = [];
  const first = all[0], last = all[all.length - 1];
  const span = (last - first) / DAY_S;
  const step = span > 3660 ? null : DAY_S; // more than ten years: draw only the days that have counts
  if (step) {
    for (let t = first; t <= last; t += step) { xs.push(t); ys.push(byTs.get(t) || 0); }
  } else {
    for (const t of all) { xs.push(t); ys.push(byTs.get(t)); }
  }
  return [xs, ys];
}

// When a few outlying days (a story recalling 1950) stretch the axis so far that the bulk of the
// days is a sliver, the chart opens on the middle 80% of the counts; a button shows everything.
function focusView(days, first, last) {
  const total = days.reduce((n, d) => n + d.count, 0);
  let seen = 0, lo = null, hi = null;
  for (const d of days) {
    seen += d.count;
    if (lo === null && seen > 0.1 * total) lo = NF.dayToTs(d.day);
    if (hi === null && seen >= 0.9 * total) hi = NF.dayToTs(d.day);
  }
  if (last - first < 366 * DAY_S || hi - lo > 0.5 * (last - first)) return null;
  const pad = DAY_S * Math.max(1, Math.ceil((hi - lo) / DAY_S / 30));
  const outside = days.filter((d) => NF.dayToTs(d.day) < lo || NF.dayToTs(d.day) > hi).reduce((n, d) => n + d.count, 0);
  return { range: [lo - pad, hi + pad], outside };
}

// A bar chart of counts per day in `el`; dragging across it calls onRange(firstDay, lastDay).
NF.timeline = (el, days, { onRange, height = 130, color = "#1f5fbf", label = "articles" } = {}) => {
  el.textContent = "";
  if (!days.length) {
    const p = document.createElement("p"); p.className = "empty"; p.textContent = "No dates to show.";
    el.appendChild(p); return null;
  }
  const data = columns(days);
  const first = data[0][0], last = data[0][data[0].length - 1];
  const pad = DAY_S * Math.max(1, Math.ceil((last - first) / DAY_S / 30));
  const focus = focusView(days, first, last);
  let view = focus ? focus.range : [first - pad, last + pad];
  const opts = {
    width: Math.max(200, el.clientWidth), height,
    legend: { show: false },
    padding: [8, 24, 0, 0], // room for the last day's label
    cursor: { drag: { x: !!onRange, y: false, setScale: false }, points: { show: false } },
    scales: { x: { time: true, range: () => view }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: [{ size: 30, font: "11px system-ui", space: 80, incrs: DAY_INCRS, values: dayLabels }, { size: 36, font: "11px system-ui", incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, 10000] }],
    series: [{}, { label, stroke: color, fill: color + "cc", width: 0, points: { show: false }, paths: uPlot.paths.bars({ size: [0.8, 24] }) }],
    hooks: {
      setSelect: [(u) => {
        if (!onRange || u.select.width < 2) return;
        const from = NF.tsToDay(u.posToVal(u.select.left, "x"));
        const to = NF.tsToDay(u.posToVal(u.select.left + u.select.width, "x"));
        onRange(from, to);
      }],
    },
  };
  const plot = new uPlot(opts, data, el);
  el._plot = plot; // for the browser tests, which drag across it by day
  if (focus) {
    const note = document.createElement("p");
    note.className = "hint outside";
    const button = document.createElement("button");
    button.type = "button"; button.className = "small"; button.textContent = "show all days";
    const text = document.createElement("span");
    const outsideText = `${focus.outside} more on days outside this view (all days: ${days[0].day} to ${days[days.length - 1].day}). `;
    text.textContent = outsideText;
    note.append(text, button);
    button.addEventListener("click", () => {
      const all = view === focus.range;
      view = all ? [first - pad, last + pad] : focus.range;
      button.textContent = all ? "show the busiest days" : "show all days";
      text.textContent = all ? "All days shown. " : outsideText;
      plot.setScale("x", { min: view[0], max: view[1] });
    });
    el.after(note);
  }
  el.setAttribute("data-first-day", days[0].day);
  el.setAttribute("data-last-day", days[days.length - 1].day);
  let width = el.clientWidth;
  new ResizeObserver(() => {
    if (Math.abs(el.clientWidth - width) > 8) { width = el.clientWidth; plot.setSize({ width: Math.max(200, width), height }); }
  }).observe(el);
  return plot;
};

let outline = null;
async function worldOutline() {
  if (!outline) {
    outline = fetch("/assets/countries-110m.json").then((r) => {
      if (!r.ok) throw new Error("outline " + r.status);
      return r.json();
    }).then((topo) => topojson.feature(topo, topo.objects.countries));
  }
  return outline;
}

// Places [{name, lat, lon, count, url}] as circles sized by count; clicking one (or Enter on it) opens its url.
NF.placeMap = async (el, places, { selected = [] } = {}) => {
  const map = L.map(el, { worldCopyJump: false, attributionControl: true, zoomSnap: 0.25, minZoom: 0, maxZoom: 9 });
  map.attributionControl.setPrefix(false).addAttribution("Natural Earth");
  map.fitBounds([[-50, -160], [72, 170]]);
  try {
    const countries = await worldOutline();
    L.geoJSON(countries, { interactive: false, style: { color: "#9aa8b8", weight: 0.6, fillColor: "#f7f5ef", fillOpacity: 1 } }).addTo(map);
  } catch (err) {
    el.insertAdjacentHTML("beforeend", '<p class="hint">The world outline could not be loaded.</p>');
  }
  const max = Math.max(1, ...places.map((p) => p.count));
  const markers = [];
  for (const p of places) {
    const on = selected.includes(p.name);
    const m = L.circleMarker([p.lat, p.lon], {
      radius: 5 + 15 * Math.sqrt(p.count / max), color: on ? "#8a1c1c" : "#0b5d2a", weight: on ? 3 : 1.5,
      fillColor: on ? "#e0533d" : "#2f9e55", fillOpacity: 0.6, className: "place-marker",
    }).addTo(map);
    m.bindTooltip(`${p.name}: ${p.count}`, { direction: "top" });
    m.on("click", () => { location.href = p.url; });
    const path = m.getElement();
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "link");
    path.setAttribute("aria-label", `${p.name}, ${p.count}`);
    path.setAttribute("data-place", p.name);
    path.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); location.href = p.url; } });
    markers.push([p.lat, p.lon]);
  }
  if (markers.length === 1) map.setView(markers[0], 4);
  else if (markers.length > 1) map.fitBounds(markers, { padding: [30, 30], maxZoom: 6 });
  el.setAttribute("data-ready", "1");
  return map;
};

// The query form leaves empty and default fields out of the URL, so a shared link says only what was chosen.
document.querySelectorAll("form.query").forEach((form) => {
  form.addEventListener("submit", () => {
    for (const field of form.elements) {
      if (!field.name) continue;
      const isDefault = (field.name === "sort" && field.value === "relevance") || (field.name === "size" && field.value === "20");
      if (field.value === "" || isDefault) field.disabled = true;
    }
  });
});
