// The pipeline page refreshes its figures every few seconds (and says when it could not).
"use strict";
(() => {
  const box = document.getElementById("pipeline");
  const note = document.getElementById("refreshed");
  const every = 1000 * Number(box.dataset.refreshS || 5);
  async function refresh() {
    try {
      const r = await fetch("/pipeline/body" + location.search, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (r.redirected || r.status === 401) { location.reload(); return; }
      box.innerHTML = await r.text();
      note.textContent = r.ok ? "" : "The last refresh failed; showing what the server said.";
    } catch (err) {
      note.textContent = "The server did not answer the last refresh; trying again.";
    }
    setTimeout(refresh, every);
  }
  setTimeout(refresh, every);
})();
