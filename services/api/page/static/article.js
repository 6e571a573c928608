// The article's side panel: its places on a small map and its resolved dates on a small timeline.
"use strict";
(() => {
  const data = NF.data();
  const mapEl = document.getElementById("map");
  if (mapEl) NF.placeMap(mapEl, data.places);
  const fig = document.getElementById("timeline-article");
  if (fig) {
    NF.timeline(fig.querySelector(".plot"), data.days, {
      height: 100, color: "#8e3fb0", label: "mentions",
      onRange: (from, to) => { location.href = NF.searchUrl({ mentioned_since: from, mentioned_until: to }); },
    });
  }
})();
