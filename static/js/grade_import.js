// The credit-grade import's page: while the import is queued or running, ask its status every two seconds
// and move the progress bar; when it has finished, reload the page for the counts and the bad rows.
(function () {
  "use strict";
  var card = document.getElementById("grade-import");
  if (!card || (card.dataset.status !== "queued" && card.dataset.status !== "running")) { return; }
  var bar = card.querySelector(".import-progress"), percent = card.querySelector(".import-percent");
  var label = card.querySelector(".import-status");
  function poll() {
    fetch(card.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        bar.value = data.percent;
        percent.textContent = data.percent + "%";
        label.textContent = data.status_label;
        if (data.status === "done" || data.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
