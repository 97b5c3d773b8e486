// Polls an import job's status and moves its progress bar; reloads the page when it finishes
// so the counts and problems appear. No inline script: the page only carries data attributes.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "true") return;
  var bar = document.getElementById("import-progress-bar");
  var status = document.getElementById("import-status");
  var stage = document.getElementById("import-stage");
  var url = box.dataset.statusUrl;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (job) {
        bar.value = job.progress;
        bar.textContent = job.progress + "%";
        status.textContent = job.status_label;
        if (stage) stage.textContent = job.stage;
        if (job.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
