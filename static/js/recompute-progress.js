// Follows a recompute run: polls its status, moves the progress bar and says the stage;
// reloads the page when the run ends so its results appear. The page carries only data
// attributes (no inline script), and without this script its "Check again" link reloads.
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("recompute-progress");
    if (!box || box.dataset.finished === "true") return;
    var bar = document.getElementById("recompute-progress-bar");
    var stage = document.getElementById("recompute-stage");

    function poll() {
      fetch(box.dataset.statusUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (run) {
          bar.value = run.percent;
          bar.textContent = run.percent + "%";
          if (stage.textContent !== run.stage) stage.textContent = run.stage;
          if (run.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () {
          window.setTimeout(poll, 5000);
        });
    }
    window.setTimeout(poll, 500);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
