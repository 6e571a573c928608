// The search page's pictures: two timelines (drag a range to filter) and the place map (click to filter).
"use strict";
(() => {
  const data = NF.data();
  const charts = [
    ["timeline-published", data.published, "#1f5fbf", "articles published"],
    ["timeline-mentioned", data.mentioned, "#8e3fb0", "articles mentioning the day"],
  ];
  for (const [id, days, color, label] of charts) {
    const fig = document.getElementById(id);
    if (!fig) continue;
    const [sinceKey, untilKey] = [fig.dataset.since, fig.dataset.until];
    NF.timeline(fig.querySelector(".plot"), days, {
      color, label,
      onRange: (from, to) => { location.href = NF.searchUrl({ [sinceKey]: from, [untilKey]: to }); },
    });
  }
  const mapEl = document.getElementById("map");
  if (mapEl) {
    const places = data.places.map((p) => ({ ...p, url: NF.searchUrl({}, { place: p.name }) }));
    NF.placeMap(mapEl, places, { selected: data.selected_places });
  }
})();
